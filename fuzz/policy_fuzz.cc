// libFuzzer target for the IAM policy parser and evaluator: any byte string
// is parsed as a policy document (of every kind); a valid one is evaluated
// against fixed requests that exercise every condition family, variables,
// principals and the decision logic. Parse errors must be Status values,
// never crashes, and evaluation must never fail on a policy Parse accepted.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "iam/policy.h"

namespace {

using weir::iam::Context;
using weir::iam::Decide;
using weir::iam::Decision;
using weir::iam::Policy;
using weir::iam::PolicyKind;
using weir::iam::PolicySet;
using weir::iam::Request;

std::vector<Request> MakeRequests() {
  Context context;
  context.Set("aws:username", "alice");
  context.Set("aws:PrincipalTag/team", "sales");
  context.Set("aws:SourceIdentity", "david");
  context.Set("aws:SourceIp", "203.0.113.7");
  context.Set("aws:SecureTransport", "true");
  context.Set("aws:CurrentTime", "2024-02-29T12:00:00Z");
  context.Set("aws:EpochTime", "1709208000");
  context.Set("aws:PrincipalArn", "arn:aws:iam::123456789012:role/analyst");
  context.Set("aws:TagKeys", std::vector<std::string>{"team", "cost-center", "*"});
  context.Set("elasticmapreduce:ExecutionRoleArn", "arn:aws:iam::123456789012:role/sales-data-access-role");
  context.Set("elasticmapreduce:ResourceTag/team", "sales");
  context.Set("sts:SourceIdentity", "david");
  context.Set("s3:max-keys", "10");
  context.Set("s3:x", "QmluYXJ5");

  std::vector<Request> requests(4);
  requests[0].principal = "arn:aws:sts::123456789012:assumed-role/analyst/david";
  requests[0].action = "elasticmapreduce:GetClusterSessionCredentials";
  requests[0].resource = "arn:aws:elasticmapreduce:local:123456789012:cluster/weir";
  requests[0].context = context;
  requests[1].principal = "arn:aws:iam::999999999999:user/partner";
  requests[1].action = "s3:GetObject";
  requests[1].resource = "arn:aws:s3:::bucket/home/alice/a:b*c?";
  requests[1].resource_account = "123456789012";
  requests[1].context = context;
  requests[2].action = "s3:ListBucket";  // anonymous
  requests[2].resource = "*";
  requests[3].principal = "sns.amazonaws.com";
  requests[3].action = "sqs:SendMessage";
  requests[3].resource = "arn:aws:sqs:us-east-1:123456789012:queue";
  requests[3].context = context;
  return requests;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Request> kRequests = MakeRequests();
  std::string_view text(reinterpret_cast<const char*>(data), size);

  for (PolicyKind kind : {PolicyKind::kAny, PolicyKind::kIdentity, PolicyKind::kResource, PolicyKind::kTrust}) {
    weir::iam::PolicyError error;
    auto policy = Policy::Parse(text, kind, &error);
    if (!policy.ok()) {
      // An error always says what is wrong.
      if (error.message.empty() || policy.status().message().empty()) std::abort();
      continue;
    }
    for (size_t i = 0; i < policy->statement_count(); ++i) {
      if (policy->statement_label(i).empty()) std::abort();
    }
    for (const Request& request : kRequests) {
      std::vector<weir::iam::StatementMatch> matches;
      weir::iam::Outcome outcome = policy->Evaluate(request, &matches);
      if ((outcome == weir::iam::Outcome::kNotApplicable) != matches.empty()) std::abort();

      PolicySet set;
      if (kind == PolicyKind::kResource || kind == PolicyKind::kTrust) {
        set.resource = &*policy;
      } else {
        set.identity.push_back(&*policy);
        set.permission_boundaries.push_back(&*policy);
        set.session = &*policy;
      }
      Decision decision = Decide(set, request);
      // A deny decision names the Deny statements that made it.
      if (decision.kind == Decision::Kind::kExplicitDeny && decision.matched.empty()) std::abort();
      if (decision.kind == Decision::Kind::kAllow && decision.matched.empty()) std::abort();
    }
  }
  return 0;
}
