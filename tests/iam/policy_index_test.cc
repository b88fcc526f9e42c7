// The compiled form's fast path (the action index and the verdicts shared
// between statements) against the reference: every statement evaluated on
// its own, in turn. Random policies and requests, then the rules one by one.

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iam/policy.h"
#include "iam/policy_internal.h"

namespace weir::iam {
namespace {

using internal::PolicyAccess;

Policy MustParse(const std::string& text) {
  auto policy = Policy::Parse(text, PolicyKind::kIdentity);
  EXPECT_TRUE(policy.ok()) << policy.status().ToString() << "\n" << text;
  return std::move(policy).value();
}

std::string Describe(const std::vector<StatementMatch>& matches) {
  std::string out;
  for (const auto& m : matches) {
    out += std::to_string(m.index) + ":" + std::string(m.label) + ":" + std::string(EffectName(m.effect)) + ":" +
           std::to_string(static_cast<int>(m.principal)) + " ";
  }
  return out;
}

std::string Describe(const Decision& d) {
  std::string out(DecisionKindName(d.kind));
  for (const auto& m : d.matched) {
    out += " " + std::string(SourceName(m.source)) + "/" + std::to_string(m.policy_index) + "/" + m.statement + "/" +
           std::string(EffectName(m.effect));
  }
  return out;
}

// Pieces random policies are made of: actions in every shape the index
// places differently (exact, name wildcard, service wildcard, "*", letter
// case), resources with and without variables, and conditions that repeat
// across statements so verdicts are shared.
const std::vector<std::string> kActions = {
    "s3:GetObject",  "s3:getobject",   "S3:Get*", "s3:*",
    "s3:List*",      "s3:PutObject",   "*",       "s3*:Get*",
    "*:GetObject",   "iam:CreateRole", "iam:*",   "iam:Create*",
    "glue:Get?able", "s3:?etObject",   "kms:*",   "elasticmapreduce:GetClusterSessionCredentials"};
const std::vector<std::string> kResources = {"*",
                                             "arn:aws:s3:::bucket/*",
                                             "arn:aws:s3:::bucket/home/${aws:username}/*",
                                             "arn:aws:iam::123456789012:role/team-*",
                                             "arn:aws:iam::123456789012:role/x",
                                             "arn:aws:glue:local:123456789012:table/db/*"};
struct ConditionBlock {
  std::string op;
  std::string body;
};
const std::vector<ConditionBlock> kConditions = {
    {"StringEquals", R"({"aws:username":"alice"})"},
    {"StringEquals", R"({"aws:username":["bob","alice"]})"},
    {"StringEqualsIgnoreCase", R"({"aws:username":"ALICE"})"},
    {"StringLike", R"({"aws:PrincipalTag/team":"sal*"})"},
    {"IpAddress", R"({"aws:SourceIp":"10.0.0.0/8"})"},
    {"Bool", R"({"aws:SecureTransport":"true"})"},
    {"StringNotEquals", R"({"aws:username":"alice"})"},
    {"Null", R"({"aws:PrincipalTag/team":"true"})"},
    {"ForAnyValue:StringEquals", R"({"aws:TagKeys":["a","b"]})"},
    {"StringEquals", R"({"aws:ResourceTag/team":"${aws:PrincipalTag/team}"})"},
    {"DateLessThan", R"({"aws:CurrentTime":"2030-01-01T00:00:00Z"})"},
};
const std::vector<std::string> kRequestActions = {"s3:GetObject",
                                                  "S3:GETOBJECT",
                                                  "s3:ListBucket",
                                                  "s3:PutObject",
                                                  "iam:CreateRole",
                                                  "iam:DeleteRole",
                                                  "glue:GetTable",
                                                  "glue:GetTables",
                                                  "kms:Decrypt",
                                                  "s3x:GetObject",
                                                  "elasticmapreduce:GetClusterSessionCredentials"};
const std::vector<std::string> kRequestResources = {
    "arn:aws:s3:::bucket/home/alice/f", "arn:aws:s3:::other/x", "arn:aws:iam::123456789012:role/team-a",
    "arn:aws:iam::123456789012:role/x", "arn:aws:glue:local:123456789012:table/db/t"};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::string PolicyText() {
    int statements = Between(1, 40);
    std::string doc = R"({"Version":"2012-10-17","Statement":[)";
    for (int i = 0; i < statements; ++i) {
      if (i > 0) doc += ",";
      doc += "{";
      if (Chance(0.5)) doc += R"("Sid":"S)" + std::to_string(i) + R"(",)";
      doc += std::string(R"("Effect":")") + (Chance(0.25) ? "Deny" : "Allow") + "\",";
      doc += std::string("\"") + (Chance(0.15) ? "NotAction" : "Action") + "\":" + List(kActions, 3) + ",";
      doc += std::string("\"") + (Chance(0.1) ? "NotResource" : "Resource") + "\":" + List(kResources, 2);
      std::vector<bool> used_op(kConditions.size(), false);
      std::string condition;
      for (int c = Between(0, 3); c > 0; --c) {
        size_t k = Pick(kConditions.size());
        bool op_taken = false;
        for (size_t j = 0; j < kConditions.size(); ++j) {
          if (used_op[j] && kConditions[j].op == kConditions[k].op) op_taken = true;
        }
        if (op_taken) continue;
        used_op[k] = true;
        condition +=
            (condition.empty() ? "" : ",") + std::string("\"") + kConditions[k].op + "\":" + kConditions[k].body;
      }
      if (!condition.empty()) doc += R"(,"Condition":{)" + condition + "}";
      doc += "}";
    }
    return doc + "]}";
  }

  Request MakeRequest() {
    Request r;
    r.principal = "arn:aws:sts::123456789012:assumed-role/analyst/alice";
    r.action = kRequestActions[Pick(kRequestActions.size())];
    r.resource = kRequestResources[Pick(kRequestResources.size())];
    r.context.Set("aws:username", Chance(0.6) ? "alice" : "bob");
    if (Chance(0.6)) r.context.Set("aws:PrincipalTag/team", "sales");
    if (Chance(0.5)) r.context.Set("aws:ResourceTag/team", Chance(0.5) ? "sales" : "hr");
    r.context.Set("aws:SourceIp", Chance(0.5) ? "10.1.2.3" : "192.168.0.1");
    r.context.Set("aws:SecureTransport", Chance(0.7) ? "true" : "false");
    if (Chance(0.5)) r.context.Set("aws:TagKeys", std::vector<std::string>{"a", "c"});
    r.context.Set("aws:CurrentTime", "2026-05-01T12:00:00Z");
    return r;
  }

 private:
  int Between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  size_t Pick(size_t n) { return static_cast<size_t>(Between(0, static_cast<int>(n) - 1)); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::string List(const std::vector<std::string>& pool, int most) {
    int n = Between(1, most);
    if (n == 1 && Chance(0.5)) return "\"" + pool[Pick(pool.size())] + "\"";
    std::string out = "[";
    for (int i = 0; i < n; ++i) out += (i ? ",\"" : "\"") + pool[Pick(pool.size())] + "\"";
    return out + "]";
  }

  std::mt19937 rng_;
};

TEST(PolicyIndex, MatchesLinearEvaluationOnRandomPolicies) {
  Generator gen(20261130);
  size_t indexed = 0, applied = 0;
  for (int p = 0; p < 600; ++p) {
    const std::string text = gen.PolicyText();
    Policy fast = MustParse(text);
    Policy reference = PolicyAccess::Reference(fast);
    if (PolicyAccess::Data(fast).index.built) ++indexed;
    for (int q = 0; q < 20; ++q) {
      Request request = gen.MakeRequest();
      std::vector<StatementMatch> a, b;
      Outcome fast_outcome = fast.Evaluate(request, &a);
      Outcome reference_outcome = reference.Evaluate(request, &b);
      ASSERT_EQ(fast_outcome, reference_outcome) << text << "\n" << request.action << " " << request.resource;
      ASSERT_EQ(Describe(a), Describe(b)) << text << "\n" << request.action << " " << request.resource;
      applied += a.size();
    }
  }
  // The generator must exercise both paths and produce matches.
  EXPECT_GT(indexed, 300u);
  EXPECT_LT(indexed, 600u);
  EXPECT_GT(applied, 1000u);
}

TEST(PolicyIndex, DecideMatchesLinearEvaluationOnRandomPolicySets) {
  Generator gen(7);
  for (int n = 0; n < 300; ++n) {
    std::vector<Policy> fast, reference;
    for (int i = 0; i < 4; ++i) {
      fast.push_back(MustParse(gen.PolicyText()));
      reference.push_back(PolicyAccess::Reference(fast.back()));
    }
    PolicySet fast_set{{&fast[0], &fast[1], &fast[2]}, nullptr, {&fast[3]}, nullptr};
    PolicySet reference_set{{&reference[0], &reference[1], &reference[2]}, nullptr, {&reference[3]}, nullptr};
    PolicySet unbounded_fast{{&fast[0], &fast[1], &fast[2], &fast[3]}, nullptr, {}, nullptr};
    PolicySet unbounded_reference{{&reference[0], &reference[1], &reference[2], &reference[3]}, nullptr, {}, nullptr};
    for (int q = 0; q < 10; ++q) {
      Request request = gen.MakeRequest();
      ASSERT_EQ(Describe(Decide(fast_set, request)), Describe(Decide(reference_set, request)));
      ASSERT_EQ(Describe(Decide(unbounded_fast, request)), Describe(Decide(unbounded_reference, request)));
    }
  }
}

// Eight statements or more get an index; one statement per line below.
std::string Indexed(const std::vector<std::string>& statements) {
  std::string doc = R"({"Version":"2012-10-17","Statement":[)";
  for (size_t i = 0; i < statements.size(); ++i) doc += (i ? "," : "") + statements[i];
  for (size_t i = statements.size(); i < internal::kMinIndexedStatements; ++i) {
    doc += R"(,{"Sid":"Filler)" + std::to_string(i) + R"(","Effect":"Allow","Action":"kms:Decrypt","Resource":"*"})";
  }
  return doc + "]}";
}

Request S3Get() {
  Request r;
  r.principal = "arn:aws:iam::123456789012:user/alice";
  r.action = "s3:GetObject";
  r.resource = "arn:aws:s3:::bucket/key";
  r.context.Set("aws:username", "alice");
  return r;
}

TEST(PolicyIndex, VisitsNotActionAndWildcardServiceStatements) {
  Policy p = MustParse(Indexed({
      R"({"Sid":"NotIam","Effect":"Allow","NotAction":"iam:*","Resource":"*"})",
      R"({"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"})",
      R"({"Sid":"AnyServiceGet","Effect":"Allow","Action":"*:GetObject","Resource":"*"})",
      R"({"Sid":"OtherService","Effect":"Allow","Action":"s3x:GetObject","Resource":"*"})",
  }));
  ASSERT_TRUE(PolicyAccess::Data(p).index.built);
  EXPECT_EQ(Describe(p.Evaluate(S3Get())), "0:NotIam:Allow:0 1:Everything:Allow:0 2:AnyServiceGet:Allow:0 ");
}

TEST(PolicyIndex, ActionsAreCaseInsensitive) {
  Policy p = MustParse(Indexed({
      R"({"Sid":"Exact","Effect":"Allow","Action":"S3:GETOBJECT","Resource":"*"})",
      R"({"Sid":"Prefix","Effect":"Allow","Action":"S3:get*","Resource":"*"})",
  }));
  Request r = S3Get();
  r.action = "s3:getObject";
  EXPECT_EQ(Describe(p.Evaluate(r)), "0:Exact:Allow:0 1:Prefix:Allow:0 ");
}

TEST(PolicyIndex, StatementInSeveralBucketsIsReportedOnce) {
  Policy p = MustParse(Indexed({
      R"({"Sid":"Both","Effect":"Allow","Action":["s3:GetObject","s3:Get*","s3:GetObject"],"Resource":"*"})",
  }));
  EXPECT_EQ(Describe(p.Evaluate(S3Get())), "0:Both:Allow:0 ");
}

TEST(PolicyIndex, ExplicitDenyWinsAndIsReported) {
  Policy p = MustParse(Indexed({
      R"({"Sid":"Grant","Effect":"Allow","Action":"s3:*","Resource":"*"})",
      R"({"Sid":"Block","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"})",
  }));
  Decision d = Decide(PolicySet{{&p}, nullptr, {}, nullptr}, S3Get());
  EXPECT_EQ(Describe(d), "ExplicitDeny identity/0/Block/Deny");
}

TEST(PolicyIndex, UnlistedActionVisitsNothing) {
  Policy p = MustParse(Indexed({R"({"Sid":"Get","Effect":"Allow","Action":"s3:GetObject","Resource":"*"})"}));
  Request r = S3Get();
  r.action = "s3:PutObject";
  EXPECT_TRUE(p.Evaluate(r).empty());
}

TEST(PolicySharedVerdicts, RepeatedConditionsAreSharedOnlyWhenIdentical) {
  Policy p = MustParse(Indexed({
      R"({"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"ALICE"}}})",
      R"({"Sid":"B","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}})",
      R"({"Sid":"C","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"AWS:UserName":"ALICE"}}})",
      R"({"Sid":"D","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}})",
  }));
  const internal::PolicyData& data = PolicyAccess::Data(p);
  // A and C differ only in the key's letter case: one condition. B and D: another.
  EXPECT_EQ(data.conditions.size(), 2u);
  EXPECT_EQ(Describe(p.Evaluate(S3Get())), "1:B:Allow:0 3:D:Allow:0 ");
}

TEST(PolicySharedVerdicts, RepeatedResourceListsWithVariablesFollowTheRequest) {
  Policy p = MustParse(Indexed({
      R"({"Sid":"Home","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}/*"})",
      R"({"Sid":"Again","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::bucket/${aws:username}/*"})",
  }));
  EXPECT_EQ(PolicyAccess::Data(p).resource_lists.size(), 2u);  // the filler's "*" is the other
  Request r = S3Get();
  r.resource = "arn:aws:s3:::bucket/alice/notes";
  EXPECT_EQ(Describe(p.Evaluate(r)), "0:Home:Allow:0 1:Again:Allow:0 ");
  r.context.Set("aws:username", "bob");
  EXPECT_TRUE(p.Evaluate(r).empty());
}

}  // namespace
}  // namespace weir::iam
