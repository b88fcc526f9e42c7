// IAM policy engine benchmarks: compiling a policy, and deciding requests
// against a store of 10,000 compiled policies of which a principal has 10
// attached (~100 statements with conditions), plus a worst case where 1,000
// statements all apply.
//
//   bench/policy_bench [--benchmark_filter=...]
//
// Figures to watch: BM_DecideAttached* (target: ≤ 2 µs p50 per decision) and
// BM_DecideWorstCase1000Applicable (target: ≤ 20 µs p50). After the
// benchmarks, the p50 and p99 of single decisions are printed with their
// ratios to the targets.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "iam/policy.h"

namespace {

using weir::iam::Decide;
using weir::iam::Decision;
using weir::iam::Policy;
using weir::iam::PolicyKind;
using weir::iam::PolicySet;
using weir::iam::Request;

constexpr int kStoredPolicies = 10000;
constexpr int kAttached = 10;
constexpr int kStatementsPerPolicy = 10;

const char* const kServices[] = {"s3",  "dynamodb", "ec2",    "iam",  "sqs",
                                 "sns", "kms",      "lambda", "glue", "lakeformation"};

Policy MustParse(const std::string& text) {
  auto policy = Policy::Parse(text, PolicyKind::kIdentity);
  if (!policy.ok()) {
    std::fprintf(stderr, "bench policy rejected: %s\n%s\n", policy.status().ToString().c_str(), text.c_str());
    std::abort();
  }
  return std::move(policy).value();
}

// Policy `n` of the store: ten statements over various services, most with
// conditions, in the shapes real policies have. Only a few statements of a
// policy concern s3 on the benchmark's bucket, and only the last one of the
// last attached policy lets the request through.
std::string MakePolicy(int n, bool grants) {
  std::string doc = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < kStatementsPerPolicy; ++i) {
    if (i > 0) doc += ",";
    const std::string sid = "P" + std::to_string(n) + "S" + std::to_string(i);
    const char* service = kServices[(n + i) % 10];
    std::string team = "team" + std::to_string((n + i) % 7);
    switch (i % 5) {
      case 0:  // another service, tag and network conditions
        doc += R"({"Sid":")" + sid + R"(","Effect":"Allow","Action":[")" + service + R"(:Get*",")" + service +
               R"(:List*",")" + service + R"(:Describe*"],"Resource":"arn:aws:)" + service +
               R"(:us-east-1:123456789012:thing/)" + std::to_string(n) +
               R"(/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":")" + team +
               R"("},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}})";
        break;
      case 1:  // s3, other bucket
        doc += R"({"Sid":")" + sid +
               R"(","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-)" +
               std::to_string(n) + R"(/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}})";
        break;
      case 2:  // s3 on the bucket, condition that does not hold for the caller
        doc +=
            R"({"Sid":")" + sid +
            R"(","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::bucket/data/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":")" +
            team + R"(x"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}})";
        break;
      case 3:  // a deny that does not apply
        doc +=
            R"({"Sid":")" + sid + R"(","Effect":"Deny","Action":["s3:DeleteObject","s3:PutBucketPolicy",")" + service +
            R"(:Delete*"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalTag/role":"admin"}}})";
        break;
      case 4:  // home folder with a policy variable; the grant, when `grants`
        if (grants && i == kStatementsPerPolicy - 1) {
          doc +=
              R"({"Sid":")" + sid +
              R"(","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/data/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"sales"},"IpAddress":{"aws:SourceIp":"10.1.0.0/16"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}})";
        } else {
          doc +=
              R"({"Sid":")" + sid +
              R"(","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::home/${aws:username}/*","Condition":{"StringLike":{"s3:prefix":["","home/${aws:username}/*"]}}})";
        }
        break;
    }
  }
  return doc + "]}";
}

struct Store {
  std::vector<Policy> policies;
  PolicySet attached;       // the principal's 10 policies, the last one granting
  PolicySet attached_none;  // the same 10 without the grant
  Request request;

  Store() {
    policies.reserve(kStoredPolicies + 1);
    for (int n = 0; n < kStoredPolicies; ++n) policies.push_back(MustParse(MakePolicy(n, n % 1000 == 999)));
    // The principal's policies are spread over the store.
    for (int k = 0; k < kAttached; ++k) {
      const Policy* p = &policies[static_cast<size_t>(k * 1000 + 999 - (k + 1 < kAttached ? 1 : 0))];
      attached.identity.push_back(p);
      if (k + 1 < kAttached) attached_none.identity.push_back(p);
    }
    policies.push_back(MustParse(MakePolicy(kStoredPolicies, false)));
    attached_none.identity.push_back(&policies.back());

    request.principal = "arn:aws:sts::123456789012:assumed-role/analyst/david";
    request.action = "s3:GetObject";
    request.resource = "arn:aws:s3:::bucket/data/2024/02/part-0001.parquet";
    request.context.Set("aws:username", "david");
    request.context.Set("aws:PrincipalTag/team", "sales");
    request.context.Set("aws:SourceIp", "10.1.2.3");
    request.context.Set("aws:SecureTransport", "true");
    request.context.Set("aws:CurrentTime", "2026-05-01T12:00:00Z");
    request.context.Set("aws:PrincipalArn", "arn:aws:iam::123456789012:role/analyst");
  }
};

const Store& TheStore() {
  static const Store store;
  return store;
}

size_t CountStatements(const PolicySet& set) {
  size_t n = 0;
  for (const Policy* p : set.identity) n += p->statement_count();
  return n;
}

void BM_DecideAttachedAllow(benchmark::State& state) {
  const Store& s = TheStore();
  for (auto _ : state) {
    Decision d = Decide(s.attached, s.request);
    benchmark::DoNotOptimize(d);
  }
  if (!Decide(s.attached, s.request).allowed()) state.SkipWithError("expected Allow");
  state.counters["statements"] = static_cast<double>(CountStatements(s.attached));
  state.counters["stored_policies"] = static_cast<double>(s.policies.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideAttachedAllow);

void BM_DecideAttachedImplicitDeny(benchmark::State& state) {
  const Store& s = TheStore();
  for (auto _ : state) {
    Decision d = Decide(s.attached_none, s.request);
    benchmark::DoNotOptimize(d);
  }
  if (Decide(s.attached_none, s.request).kind != Decision::Kind::kImplicitDeny) {
    state.SkipWithError("expected ImplicitDeny");
  }
  state.counters["statements"] = static_cast<double>(CountStatements(s.attached_none));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideAttachedImplicitDeny);

void BM_DecideAttachedExplicitDeny(benchmark::State& state) {
  const Store& s = TheStore();
  Request request = s.request;
  request.action = "s3:DeleteObject";
  for (auto _ : state) {
    Decision d = Decide(s.attached, request);
    benchmark::DoNotOptimize(d);
  }
  if (Decide(s.attached, request).kind != Decision::Kind::kExplicitDeny) state.SkipWithError("expected ExplicitDeny");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideAttachedExplicitDeny);

// Ten policies of 100 Allow statements that all apply to TheStore's request,
// each with conditions that hold, so every one is evaluated and reported.
// The statements of a policy repeat one Action list, one Resource list and
// one set of conditions, as generated policies do; with `distinct`, every
// statement's conditions differ from all others', so none shares a
// condition's verdict.
std::vector<Policy> MakeApplicable(bool distinct) {
  std::vector<Policy> out;
  for (int n = 0; n < 10; ++n) {
    std::string doc = R"({"Version":"2012-10-17","Statement":[)";
    for (int i = 0; i < 100; ++i) {
      if (i > 0) doc += ",";
      const std::string id = std::to_string(n) + "x" + std::to_string(i);
      const std::string other_team = distinct ? "team" + id : "marketing";
      const std::string network = distinct ? "10." + std::to_string(i) + ".0.0/8" : "10.0.0.0/8";
      doc +=
          R"({"Sid":"W)" + id +
          R"(","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::bucket/*","arn:aws:s3:::bucket/data/${aws:username}/*"],"Condition":{"StringEquals":{"aws:PrincipalTag/team":[")" +
          other_team + R"(","sales"]},"IpAddress":{"aws:SourceIp":")" + network +
          R"("},"Bool":{"aws:SecureTransport":"true"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}})";
    }
    out.push_back(MustParse(doc + "]}"));
  }
  return out;
}

PolicySet SetOf(const std::vector<Policy>& policies) {
  PolicySet set;
  for (const Policy& p : policies) set.identity.push_back(&p);
  return set;
}

const PolicySet& WorstCase(bool distinct) {
  static const std::vector<Policy> kShared = MakeApplicable(false);
  static const std::vector<Policy> kDistinct = MakeApplicable(true);
  static const PolicySet kSets[2] = {SetOf(kShared), SetOf(kDistinct)};
  return kSets[distinct ? 1 : 0];
}

void RunWorstCase(benchmark::State& state, bool distinct) {
  const PolicySet& set = WorstCase(distinct);
  const Request& request = TheStore().request;
  size_t matched = 0;
  for (auto _ : state) {
    Decision d = Decide(set, request);
    matched = d.matched.size();
    benchmark::DoNotOptimize(d);
  }
  if (matched != 1000) state.SkipWithError("expected 1000 applicable statements");
  state.counters["applicable"] = static_cast<double>(matched);
  state.SetItemsProcessed(state.iterations());
}

void BM_DecideWorstCase1000Applicable(benchmark::State& state) { RunWorstCase(state, false); }
BENCHMARK(BM_DecideWorstCase1000Applicable);

// The same with distinct conditions: 4,000 condition evaluations instead of
// 40. No target; the figure shows what sharing verdicts saves.
void BM_DecideWorstCase1000ApplicableDistinct(benchmark::State& state) { RunWorstCase(state, true); }
BENCHMARK(BM_DecideWorstCase1000ApplicableDistinct);

// Parsing, validating and compiling a typical policy (6 statements, conditions
// of several families, a policy variable).
void BM_CompileTypicalPolicy(benchmark::State& state) {
  const std::string text = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowEMRRuntimeRole", "Effect": "Allow", "Action": "elasticmapreduce:GetClusterSessionCredentials",
     "Resource": ["arn:aws:elasticmapreduce:local:123456789012:cluster/weir"],
     "Condition": {"StringLike": {"elasticmapreduce:ExecutionRoleArn": [
       "arn:aws:iam::123456789012:role/marketing-data-access-role",
       "arn:aws:iam::123456789012:role/sales-data-access-role"]}}},
    {"Sid": "ListOwnPrefix", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::lake",
     "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}}},
    {"Sid": "ReadWriteHome", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::lake/home/${aws:username}/*"},
    {"Sid": "Catalog", "Effect": "Allow", "Action": ["glue:Get*", "lakeformation:GetDataAccess"], "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
                   "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}},
    {"Sid": "DenyInsecure", "Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "DenyUntaggedWrites", "Effect": "Deny", "Action": ["s3:Put*", "s3:Delete*"], "Resource": "*",
     "Condition": {"Null": {"aws:PrincipalTag/team": "true"}}}
  ]
})";
  for (auto _ : state) {
    auto policy = Policy::Parse(text, PolicyKind::kIdentity);
    benchmark::DoNotOptimize(policy);
  }
  state.counters["bytes"] = static_cast<double>(text.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_CompileTypicalPolicy);

// Building the store itself: 10,000 policies of 10 statements.
void BM_Compile10000Policies(benchmark::State& state) {
  std::vector<std::string> texts;
  texts.reserve(kStoredPolicies);
  for (int n = 0; n < kStoredPolicies; ++n) texts.push_back(MakePolicy(n, n % 1000 == 999));
  for (auto _ : state) {
    std::vector<Policy> store;
    store.reserve(texts.size());
    for (const auto& t : texts) store.push_back(MustParse(t));
    benchmark::DoNotOptimize(store);
  }
  state.SetItemsProcessed(state.iterations() * kStoredPolicies);
}
BENCHMARK(BM_Compile10000Policies)->Unit(benchmark::kMillisecond)->Iterations(3);

struct Percentiles {
  double p50_us = 0;
  double p99_us = 0;
};

// Times `samples` single decisions (after a warm-up) and returns their p50
// and p99.
Percentiles TimeDecisions(const PolicySet& set, const Request& request, int samples) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < samples / 10; ++i) benchmark::DoNotOptimize(Decide(set, request));
  std::vector<double> us;
  us.reserve(static_cast<size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    auto start = Clock::now();
    Decision d = Decide(set, request);
    benchmark::DoNotOptimize(d);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

void PrintFigure(const char* what, const Percentiles& p, double target_p50_us, double target_p99_us) {
  std::printf("  %-44s p50 %7.2f us", what, p.p50_us);
  if (target_p50_us > 0) std::printf(" (target <= %g: ratio %.2f)", target_p50_us, p.p50_us / target_p50_us);
  std::printf("   p99 %7.2f us", p.p99_us);
  if (target_p99_us > 0) std::printf(" (target <= %g: ratio %.2f)", target_p99_us, p.p99_us / target_p99_us);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  const Store& s = TheStore();
  std::printf("\nsingle decisions, one thread:\n");
  PrintFigure("10 attached policies (100 statements), Allow", TimeDecisions(s.attached, s.request, 20000), 2, 10);
  PrintFigure("1,000 applicable statements (worst case)", TimeDecisions(WorstCase(false), s.request, 2000), 20, 0);
  PrintFigure("1,000 applicable, distinct conditions", TimeDecisions(WorstCase(true), s.request, 500), 0, 0);
  return 0;
}
