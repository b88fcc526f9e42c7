// Decide(): AWS's evaluation logic across identity policies, a resource
// policy, permissions boundaries and a session policy. One row per rule.

#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "iam/policy.h"

namespace weir::iam {
namespace {

using Kind = Decision::Kind;

constexpr const char* kAlice = "arn:aws:iam::123456789012:user/alice";
constexpr const char* kBob = "arn:aws:iam::123456789012:user/bob";
constexpr const char* kSession = "arn:aws:sts::123456789012:assumed-role/analyst/david";
constexpr const char* kRoleArn = "arn:aws:iam::123456789012:role/analyst";
constexpr const char* kFederated = "arn:aws:sts::123456789012:federated-user/carol";
constexpr const char* kForeignUser = "arn:aws:iam::999999999999:user/partner";
constexpr const char* kObject = "arn:aws:s3:::bucket/key";
constexpr const char* kCluster = "arn:aws:elasticmapreduce:local:123456789012:cluster/weir";
constexpr const char* kGetCreds = "elasticmapreduce:GetClusterSessionCredentials";

std::string Doc(const std::string& statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}

// One statement; `extra` is appended inside the object (",\"Condition\":...").
std::string St(const std::string& effect, const std::string& action, const std::string& resource,
               const std::string& sid = "", const std::string& extra = "") {
  std::string out = "{";
  if (!sid.empty()) out += R"("Sid":")" + sid + R"(",)";
  out += R"("Effect":")" + effect + R"(","Action":")" + action + R"(","Resource":")" + resource + "\"" + extra + "}";
  return out;
}

// One resource-policy statement; `principal` is the JSON of the Principal
// value, or of NotPrincipal when `not_principal`.
std::string Rs(const std::string& effect, const std::string& principal, const std::string& action,
               const std::string& resource, const std::string& sid = "", bool not_principal = false) {
  std::string out = "{";
  if (!sid.empty()) out += R"("Sid":")" + sid + R"(",)";
  out += R"("Effect":")" + effect + R"(",")" + (not_principal ? "NotPrincipal" : "Principal") + R"(":)" + principal +
         R"(,"Action":")" + action + R"(","Resource":")" + resource + "\"}";
  return out;
}

std::string Aws(const std::string& arn) { return R"({"AWS":")" + arn + "\"}"; }

const std::string kAllowS3 = Doc(St("Allow", "s3:*", "*", "AllowS3"));
const std::string kAllowGet = Doc(St("Allow", "s3:GetObject", "*", "AllowGet"));

const std::string kSeedArnList =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowEMRRuntimeRole","Effect":"Allow","Action":"elasticmapreduce:GetClusterSessionCredentials","Resource":["arn:aws:elasticmapreduce:local:123456789012:cluster/weir"],"Condition":{"StringLike":{"elasticmapreduce:ExecutionRoleArn":["arn:aws:iam::123456789012:role/marketing-data-access-role","arn:aws:iam::123456789012:role/sales-data-access-role"]}}}]})";
const std::string kSeedTag =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowEMRRuntimeRole","Effect":"Allow","Action":"elasticmapreduce:GetClusterSessionCredentials","Resource":"*","Condition":{"StringEquals":{"elasticmapreduce:ResourceTag/team":"sales"}}}]})";

struct Case {
  std::string name;
  std::vector<std::string> identity;
  std::string resource_policy;
  std::vector<std::string> boundaries;
  std::string session;
  std::optional<std::string> principal = std::string(kAlice);
  std::string action = "s3:GetObject";
  std::string resource = kObject;
  std::string resource_account;
  std::string context = "{}";
  Kind expected = Kind::kImplicitDeny;
  std::vector<std::string> matched;  // "source:policy:statement:Effect"

  Case& Identity(std::string p) {
    identity.push_back(std::move(p));
    return *this;
  }
  Case& Resource(std::string p) {
    resource_policy = std::move(p);
    return *this;
  }
  Case& Boundary(std::string p) {
    boundaries.push_back(std::move(p));
    return *this;
  }
  Case& Session(std::string p) {
    session = std::move(p);
    return *this;
  }
  Case& As(std::optional<std::string> p) {
    principal = std::move(p);
    return *this;
  }
  Case& Do(std::string a, std::string r = kObject) {
    action = std::move(a);
    resource = std::move(r);
    return *this;
  }
  Case& OwnedBy(std::string account) {
    resource_account = std::move(account);
    return *this;
  }
  Case& With(std::string c) {
    context = std::move(c);
    return *this;
  }
  Case& Expect(Kind k, std::vector<std::string> m = {}) {
    expected = k;
    matched = std::move(m);
    return *this;
  }
};

Case T(std::string name) {
  Case c;
  c.name = std::move(name);
  return c;
}

std::vector<Case> Cases() {
  return {
      // --- Identity policies ----------------------------------------------
      T("NoPoliciesIsImplicitDeny").Expect(Kind::kImplicitDeny),
      T("IdentityAllowGrants").Identity(kAllowS3).Expect(Kind::kAllow, {"identity:0:AllowS3:Allow"}),
      T("StatementWithoutSidReportedByIndex")
          .Identity(Doc(St("Deny", "ec2:*", "*") + "," + St("Allow", "s3:GetObject", "*")))
          .Expect(Kind::kAllow, {"identity:0:1:Allow"}),
      T("ActionMatchIgnoresCase")
          .Identity(Doc(St("Allow", "S3:GETOBJECT", "*")))
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("RequestActionCaseIgnored")
          .Identity(kAllowGet)
          .Do("S3:getobject")
          .Expect(Kind::kAllow, {"identity:0:AllowGet:Allow"}),
      T("ActionPrefixWildcard").Identity(Doc(St("Allow", "s3:Get*", "*"))).Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ActionInfixWildcard")
          .Identity(Doc(St("Allow", "iam:*AccessKey*", "*")))
          .Do("iam:ListAccessKeys", "*")
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ActionQuestionMarkOneChar")
          .Identity(Doc(St("Allow", "s3:Get?bject", "*")))
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ServiceWildcardDoesNotLeakToLongerPrefix")
          .Identity(Doc(St("Allow", "s3:*", "*")))
          .Do("s3express:CreateSession", "*")
          .Expect(Kind::kImplicitDeny),
      T("OtherActionIsImplicitDeny").Identity(kAllowGet).Do("s3:PutObject").Expect(Kind::kImplicitDeny),
      T("MultipleIdentityPoliciesUnion")
          .Identity(Doc(St("Allow", "ec2:*", "*")))
          .Identity(kAllowGet)
          .Expect(Kind::kAllow, {"identity:1:AllowGet:Allow"}),
      T("AllMatchingAllowsReported")
          .Identity(Doc(St("Allow", "s3:*", "*", "A") + "," + St("Allow", "s3:Get*", "*", "B")))
          .Identity(kAllowGet)
          .Expect(Kind::kAllow, {"identity:0:A:Allow", "identity:0:B:Allow", "identity:1:AllowGet:Allow"}),

      // --- Resource matching ----------------------------------------------
      T("ResourceExactArn").Identity(Doc(St("Allow", "s3:*", kObject))).Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ResourceOtherArnIsImplicitDeny")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:::bucket/other")))
          .Expect(Kind::kImplicitDeny),
      T("ResourceWildcardInResourcePart")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:::bucket/*")))
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ResourceIsCaseSensitive")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:::Bucket/*")))
          .Expect(Kind::kImplicitDeny),
      T("ResourceStarMatchesStarRequest")
          .Identity(kAllowS3)
          .Do("s3:ListAllMyBuckets", "*")
          .Expect(Kind::kAllow, {"identity:0:AllowS3:Allow"}),
      T("ResourceArnDoesNotMatchStarRequest")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:::*")))
          .Do("s3:ListAllMyBuckets", "*")
          .Expect(Kind::kImplicitDeny),
      T("ResourceTrailingStarExpandsOverLaterSegments")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:*")))
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ResourceWildcardStaysWithinItsSegment")
          .Identity(Doc(St("Allow", "ssm:*", "arn:aws:ssm:us-*-1:123456789012:parameter/p")))
          .Do("ssm:GetParameter", "arn:aws:ssm:us-east-1:999999999999:x:us-west-1:123456789012:parameter/p")
          .Expect(Kind::kImplicitDeny),
      T("ResourceColonsInsideResourcePart")
          .Identity(Doc(St("Allow", "logs:*", "arn:aws:logs:us-east-1:123456789012:log-group:app:*")))
          .Do("logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:s1")
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ResourceListIsOred")
          .Identity(
              R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::x","arn:aws:s3:::bucket/key"]}]})")
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ResourceVariableUsername")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:::bucket/home/${aws:username}/*")))
          .Do("s3:GetObject", "arn:aws:s3:::bucket/home/alice/notes.txt")
          .With(R"({"aws:username":"alice"})")
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ResourceVariableOtherUsersFolderDenied")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:::bucket/home/${aws:username}/*")))
          .Do("s3:GetObject", "arn:aws:s3:::bucket/home/bob/notes.txt")
          .With(R"({"aws:username":"alice"})")
          .Expect(Kind::kImplicitDeny),
      T("ResourceVariableWithoutValueMatchesNothing")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:::bucket/home/${aws:username}/*")))
          .Do("s3:GetObject", "arn:aws:s3:::bucket/home//x")
          .Expect(Kind::kImplicitDeny),
      T("ResourceVariableDefault")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}")))
          .Do("s3:ListBucket", "arn:aws:s3:::bucket-company-wide")
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ResourceVariableValueStarIsLiteral")
          .Identity(Doc(St("Allow", "s3:*", "arn:aws:s3:::bucket/home/${aws:username}/*")))
          .Do("s3:GetObject", "arn:aws:s3:::bucket/home/bob/x")
          .With(R"({"aws:username":"*"})")
          .Expect(Kind::kImplicitDeny),
      T("ResourceVariableInAccountSegment")
          .Identity(Doc(St("Allow", "dynamodb:*", "arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/t")))
          .Do("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/t")
          .With(R"({"aws:PrincipalAccount":"123456789012"})")
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("ResourceVariableColonsCannotShiftSegments")
          .Identity(Doc(St("Allow", "dynamodb:*", "arn:aws:dynamodb:us-east-1:${aws:PrincipalTag/acct}:table/t")))
          .Do("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:1:2:table/t")
          .With(R"({"aws:PrincipalTag/acct":"1:2"})")
          .Expect(Kind::kImplicitDeny),

      // --- Explicit deny --------------------------------------------------
      T("DenyWinsInSamePolicy")
          .Identity(Doc(St("Allow", "s3:*", "*", "AllowAll") + "," + St("Deny", "s3:GetObject", kObject, "DenyKey")))
          .Expect(Kind::kExplicitDeny, {"identity:0:DenyKey:Deny"}),
      T("DenyWinsAcrossPolicies")
          .Identity(kAllowS3)
          .Identity(Doc(St("Deny", "*", "*", "DenyEverything")))
          .Expect(Kind::kExplicitDeny, {"identity:1:DenyEverything:Deny"}),
      T("DenyInResourcePolicyWins")
          .Identity(kAllowS3)
          .Resource(Doc(Rs("Deny", R"("*")", "s3:*", "arn:aws:s3:::bucket/*", "NoOne")))
          .Expect(Kind::kExplicitDeny, {"resource:0:NoOne:Deny"}),
      T("DenyInBoundaryWins")
          .Identity(kAllowS3)
          .Boundary(Doc(St("Allow", "*", "*") + "," + St("Deny", "s3:GetObject", "*", "NoGet")))
          .Expect(Kind::kExplicitDeny, {"boundary:0:NoGet:Deny"}),
      T("DenyInSessionPolicyWins")
          .Identity(kAllowS3)
          .Session(Doc(St("Deny", "s3:*", "*", "SessionDeny")))
          .As(std::string(kSession))
          .Expect(Kind::kExplicitDeny, {"session:0:SessionDeny:Deny"}),
      T("AllDenyStatementsReported")
          .Identity(Doc(St("Deny", "s3:*", "*", "D1") + "," + St("Deny", "s3:Get*", "*", "D2")))
          .Resource(Doc(Rs("Deny", R"("*")", "s3:*", "*", "D3")))
          .Expect(Kind::kExplicitDeny, {"identity:0:D1:Deny", "identity:0:D2:Deny", "resource:0:D3:Deny"}),
      T("DenyWithUnmetConditionDoesNotApply")
          .Identity(kAllowS3)
          .Identity(
              Doc(St("Deny", "*", "*", "DenyInsecure", R"(,"Condition":{"Bool":{"aws:SecureTransport":"false"}})")))
          .With(R"({"aws:SecureTransport":"true"})")
          .Expect(Kind::kAllow, {"identity:0:AllowS3:Allow"}),
      T("DenyWithNegatedConditionAppliesWhenTagMissing")
          .Identity(kAllowS3)
          .Identity(Doc(St("Deny", "*", "*", "DenyOutsiders",
                           R"(,"Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"data"}})")))
          .Expect(Kind::kExplicitDeny, {"identity:1:DenyOutsiders:Deny"}),
      T("DenyOnOtherActionDoesNotApply")
          .Identity(Doc(St("Allow", "s3:*", "*") + "," + St("Deny", "s3:DeleteObject", "*")))
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),

      // --- NotAction / NotResource ----------------------------------------
      T("NotActionAllowsOtherActions")
          .Identity(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]})")
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("NotActionExcludesListedActions")
          .Identity(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]})")
          .Do("iam:CreateUser", "*")
          .Expect(Kind::kImplicitDeny),
      T("NotActionDenyDeniesEverythingElse")
          .Identity(kAllowS3)
          .Identity(
              R"({"Version":"2012-10-17","Statement":[{"Sid":"OnlyS3","Effect":"Deny","NotAction":"s3:*","Resource":"*"}]})")
          .Do("ec2:RunInstances", "*")
          .Expect(Kind::kExplicitDeny, {"identity:1:OnlyS3:Deny"}),
      T("NotActionDenySparesListedActions")
          .Identity(kAllowS3)
          .Identity(
              R"({"Version":"2012-10-17","Statement":[{"Sid":"OnlyS3","Effect":"Deny","NotAction":"s3:*","Resource":"*"}]})")
          .Expect(Kind::kAllow, {"identity:0:AllowS3:Allow"}),
      T("NotResourceAllowsOtherResources")
          .Identity(
              R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}]})")
          .Expect(Kind::kAllow, {"identity:0:0:Allow"}),
      T("NotResourceExcludesListedResources")
          .Identity(
              R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}]})")
          .Do("s3:GetObject", "arn:aws:s3:::secret/plans")
          .Expect(Kind::kImplicitDeny),
      T("NotResourceWithUnresolvedVariableAppliesEverywhere")
          .Identity(kAllowS3)
          .Identity(
              R"({"Version":"2012-10-17","Statement":[{"Sid":"OwnFolderOnly","Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::bucket/${aws:username}/*"}]})")
          .Expect(Kind::kExplicitDeny, {"identity:1:OwnFolderOnly:Deny"}),

      // --- Permissions boundaries -----------------------------------------
      T("BoundaryAllowsWithinIntersection")
          .Identity(kAllowS3)
          .Boundary(Doc(St("Allow", "s3:GetObject", "*", "Ceiling")))
          .Expect(Kind::kAllow, {"identity:0:AllowS3:Allow", "boundary:0:Ceiling:Allow"}),
      T("BoundaryWithoutAllowIsImplicitDeny")
          .Identity(kAllowS3)
          .Boundary(Doc(St("Allow", "s3:GetObject", "*", "Ceiling")))
          .Do("s3:PutObject")
          .Expect(Kind::kImplicitDeny, {"identity:0:AllowS3:Allow"}),
      T("BoundaryAloneGrantsNothing").Boundary(kAllowS3).Expect(Kind::kImplicitDeny, {"boundary:0:AllowS3:Allow"}),
      T("EveryBoundaryMustAllow")
          .Identity(kAllowS3)
          .Boundary(kAllowS3)
          .Boundary(Doc(St("Allow", "ec2:*", "*")))
          .Expect(Kind::kImplicitDeny, {"identity:0:AllowS3:Allow", "boundary:0:AllowS3:Allow"}),

      // --- Session policies -----------------------------------------------
      T("SessionPolicyIntersection")
          .Identity(kAllowS3)
          .Session(kAllowGet)
          .As(std::string(kSession))
          .Expect(Kind::kAllow, {"identity:0:AllowS3:Allow", "session:0:AllowGet:Allow"}),
      T("SessionPolicyWithoutAllowIsImplicitDeny")
          .Identity(kAllowS3)
          .Session(kAllowGet)
          .As(std::string(kSession))
          .Do("s3:PutObject")
          .Expect(Kind::kImplicitDeny, {"identity:0:AllowS3:Allow"}),
      T("SessionPolicyAloneGrantsNothing")
          .Session(kAllowS3)
          .As(std::string(kSession))
          .Expect(Kind::kImplicitDeny, {"session:0:AllowS3:Allow"}),
      T("FederatedUserWithoutSessionPolicyGetsNothingFromIdentity")
          .Identity(kAllowS3)
          .As(std::string(kFederated))
          .Expect(Kind::kImplicitDeny, {"identity:0:AllowS3:Allow"}),
      T("FederatedUserWithSessionPolicy")
          .Identity(kAllowS3)
          .Session(kAllowGet)
          .As(std::string(kFederated))
          .Expect(Kind::kAllow, {"identity:0:AllowS3:Allow", "session:0:AllowGet:Allow"}),

      // --- Same-account resource policies ---------------------------------
      T("ResourcePolicyUserArnAloneAllows")
          .Resource(Doc(Rs("Allow", Aws(kAlice), "s3:GetObject", "arn:aws:s3:::bucket/*", "ForAlice")))
          .Expect(Kind::kAllow, {"resource:0:ForAlice:Allow"}),
      T("ResourcePolicyOtherUserDoesNotApply")
          .Resource(Doc(Rs("Allow", Aws(kBob), "s3:GetObject", "arn:aws:s3:::bucket/*")))
          .Expect(Kind::kImplicitDeny),
      T("ResourcePolicyUserArnNotLimitedByBoundary")
          .Resource(Doc(Rs("Allow", Aws(kAlice), "s3:GetObject", "arn:aws:s3:::bucket/*", "ForAlice")))
          .Boundary(Doc(St("Allow", "ec2:*", "*")))
          .Expect(Kind::kAllow, {"resource:0:ForAlice:Allow"}),
      T("ResourcePolicySessionArnAloneAllows")
          .Resource(Doc(Rs("Allow", Aws(kSession), "s3:GetObject", "*", "ForSession")))
          .As(std::string(kSession))
          .Expect(Kind::kAllow, {"resource:0:ForSession:Allow"}),
      T("ResourcePolicySessionArnNotLimitedBySessionPolicy")
          .Resource(Doc(Rs("Allow", Aws(kSession), "s3:GetObject", "*", "ForSession")))
          .Session(Doc(St("Allow", "ec2:*", "*")))
          .Boundary(Doc(St("Allow", "ec2:*", "*")))
          .As(std::string(kSession))
          .Expect(Kind::kAllow, {"resource:0:ForSession:Allow"}),
      T("ResourcePolicyRoleArnAllowsItsSessions")
          .Resource(Doc(Rs("Allow", Aws(kRoleArn), "s3:GetObject", "*", "ForRole")))
          .As(std::string(kSession))
          .Expect(Kind::kAllow, {"resource:0:ForRole:Allow"}),
      T("ResourcePolicyRoleArnAllowsTheRoleItself")
          .Resource(Doc(Rs("Allow", Aws(kRoleArn), "s3:GetObject", "*", "ForRole")))
          .As(std::string(kRoleArn))
          .Expect(Kind::kAllow, {"resource:0:ForRole:Allow"}),
      T("ResourcePolicyRoleArnWithPathMatchesSession")
          .Resource(Doc(Rs("Allow", Aws("arn:aws:iam::123456789012:role/team/analyst"), "s3:GetObject", "*")))
          .As(std::string(kSession))
          .Expect(Kind::kAllow, {"resource:0:0:Allow"}),
      T("ResourcePolicyRoleArnDoesNotMatchOtherRolesSession")
          .Resource(Doc(Rs("Allow", Aws("arn:aws:iam::123456789012:role/admin"), "s3:GetObject", "*")))
          .As(std::string(kSession))
          .Expect(Kind::kImplicitDeny),
      T("ResourcePolicyRoleArnLimitedByBoundary")
          .Resource(Doc(Rs("Allow", Aws(kRoleArn), "s3:GetObject", "*", "ForRole")))
          .Boundary(Doc(St("Allow", "ec2:*", "*")))
          .As(std::string(kSession))
          .Expect(Kind::kImplicitDeny, {"resource:0:ForRole:Allow"}),
      T("ResourcePolicyRoleArnLimitedBySessionPolicy")
          .Resource(Doc(Rs("Allow", Aws(kRoleArn), "s3:GetObject", "*", "ForRole")))
          .Session(Doc(St("Allow", "ec2:*", "*")))
          .As(std::string(kSession))
          .Expect(Kind::kImplicitDeny, {"resource:0:ForRole:Allow"}),
      T("ResourcePolicyRoleArnWithinBoundaryAllows")
          .Resource(Doc(Rs("Allow", Aws(kRoleArn), "s3:GetObject", "*", "ForRole")))
          .Boundary(kAllowGet)
          .As(std::string(kSession))
          .Expect(Kind::kAllow, {"resource:0:ForRole:Allow", "boundary:0:AllowGet:Allow"}),
      T("ResourcePolicyAccountPrincipalDelegatesOnly")
          .Resource(Doc(Rs("Allow", Aws("arn:aws:iam::123456789012:root"), "s3:GetObject", "*")))
          .Expect(Kind::kImplicitDeny, {"resource:0:0:Allow"}),
      T("ResourcePolicyAccountIdPrincipalPlusIdentityAllows")
          .Resource(Doc(Rs("Allow", Aws("123456789012"), "s3:GetObject", "*", "Acct")))
          .Identity(kAllowGet)
          .Expect(Kind::kAllow, {"identity:0:AllowGet:Allow", "resource:0:Acct:Allow"}),
      T("ResourcePolicyWildcardPrincipalAllows")
          .Resource(Doc(Rs("Allow", R"("*")", "s3:GetObject", "*", "Public")))
          .Expect(Kind::kAllow, {"resource:0:Public:Allow"}),
      T("ResourcePolicyAwsWildcardNotLimitedByBoundary")
          .Resource(Doc(Rs("Allow", R"({"AWS":"*"})", "s3:GetObject", "*", "Public")))
          .Boundary(Doc(St("Allow", "ec2:*", "*")))
          .As(std::string(kSession))
          .Expect(Kind::kAllow, {"resource:0:Public:Allow"}),
      T("IdentityOrResourcePolicySuffices")
          .Identity(kAllowGet)
          .Resource(Doc(Rs("Allow", Aws(kBob), "s3:GetObject", "*")))
          .Expect(Kind::kAllow, {"identity:0:AllowGet:Allow"}),
      T("ResourceAccountEqualToCallerIsSameAccount")
          .Resource(Doc(Rs("Allow", Aws(kAlice), "s3:GetObject", "*", "ForAlice")))
          .OwnedBy("123456789012")
          .Expect(Kind::kAllow, {"resource:0:ForAlice:Allow"}),

      // --- NotPrincipal ---------------------------------------------------
      T("NotPrincipalDenySparesListedPrincipal")
          .Identity(kAllowS3)
          .Resource(Doc(Rs("Deny", Aws(kAlice), "s3:*", "*", "OnlyAlice", true)))
          .Expect(Kind::kAllow, {"identity:0:AllowS3:Allow"}),
      T("NotPrincipalDenyDeniesEveryoneElse")
          .Identity(kAllowS3)
          .Resource(Doc(Rs("Deny", Aws(kAlice), "s3:*", "*", "OnlyAlice", true)))
          .As(std::string(kBob))
          .Expect(Kind::kExplicitDeny, {"resource:0:OnlyAlice:Deny"}),
      T("NotPrincipalRoleArnCoversItsSessions")
          .Identity(kAllowS3)
          .Resource(Doc(Rs("Deny", Aws(kRoleArn), "s3:*", "*", "OnlyAnalyst", true)))
          .As(std::string(kSession))
          .Expect(Kind::kAllow, {"identity:0:AllowS3:Allow"}),
      T("NotPrincipalDenyAppliesToAnonymous")
          .Resource(Doc(Rs("Allow", R"("*")", "s3:*", "*", "Public") + "," +
                        Rs("Deny", Aws("123456789012"), "s3:*", "*", "AccountOnly", true)))
          .As(std::nullopt)
          .Expect(Kind::kExplicitDeny, {"resource:0:AccountOnly:Deny"}),
      T("NotPrincipalAllowIsLimitedByBoundary")
          .Resource(Doc(Rs("Allow", Aws(kBob), "s3:*", "*", "AllButBob", true)))
          .Boundary(Doc(St("Allow", "ec2:*", "*")))
          .Expect(Kind::kImplicitDeny, {"resource:0:AllButBob:Allow"}),

      // --- Cross-account --------------------------------------------------
      T("CrossAccountIdentityAloneIsImplicitDeny")
          .Identity(kAllowS3)
          .OwnedBy("999999999999")
          .Expect(Kind::kImplicitDeny, {"identity:0:AllowS3:Allow"}),
      T("CrossAccountResourcePolicyAloneIsImplicitDeny")
          .Resource(Doc(Rs("Allow", Aws(kForeignUser), "s3:GetObject", "*", "Partner")))
          .As(std::string(kForeignUser))
          .OwnedBy("123456789012")
          .Expect(Kind::kImplicitDeny, {"resource:0:Partner:Allow"}),
      T("CrossAccountBothAllow")
          .Identity(kAllowGet)
          .Resource(Doc(Rs("Allow", Aws(kForeignUser), "s3:GetObject", "*", "Partner")))
          .As(std::string(kForeignUser))
          .OwnedBy("123456789012")
          .Expect(Kind::kAllow, {"identity:0:AllowGet:Allow", "resource:0:Partner:Allow"}),
      T("CrossAccountAccountPrincipalPlusIdentity")
          .Identity(kAllowGet)
          .Resource(Doc(Rs("Allow", Aws("999999999999"), "s3:GetObject", "*", "PartnerAccount")))
          .As(std::string(kForeignUser))
          .OwnedBy("123456789012")
          .Expect(Kind::kAllow, {"identity:0:AllowGet:Allow", "resource:0:PartnerAccount:Allow"}),
      T("CrossAccountWildcardPrincipalStillNeedsIdentity")
          .Resource(Doc(Rs("Allow", R"("*")", "s3:GetObject", "*", "Public")))
          .As(std::string(kForeignUser))
          .OwnedBy("123456789012")
          .Expect(Kind::kImplicitDeny, {"resource:0:Public:Allow"}),
      T("CrossAccountBoundaryStillApplies")
          .Identity(kAllowGet)
          .Resource(Doc(Rs("Allow", Aws(kForeignUser), "s3:GetObject", "*", "Partner")))
          .Boundary(Doc(St("Allow", "ec2:*", "*")))
          .As(std::string(kForeignUser))
          .OwnedBy("123456789012")
          .Expect(Kind::kImplicitDeny, {"identity:0:AllowGet:Allow", "resource:0:Partner:Allow"}),
      T("CrossAccountWrongAccountPrincipalDoesNotApply")
          .Identity(kAllowGet)
          .Resource(Doc(Rs("Allow", Aws("111111111111"), "s3:GetObject", "*")))
          .As(std::string(kForeignUser))
          .OwnedBy("123456789012")
          .Expect(Kind::kImplicitDeny, {"identity:0:AllowGet:Allow"}),
      T("CrossAccountDenyInResourcePolicy")
          .Identity(kAllowGet)
          .Resource(Doc(Rs("Allow", Aws("999999999999"), "s3:*", "*") + "," +
                        Rs("Deny", Aws(kForeignUser), "s3:GetObject", "*", "NotYou")))
          .As(std::string(kForeignUser))
          .OwnedBy("123456789012")
          .Expect(Kind::kExplicitDeny, {"resource:0:NotYou:Deny"}),

      // --- Anonymous and service principals -------------------------------
      T("AnonymousAllowedByPublicResourcePolicy")
          .Resource(Doc(Rs("Allow", R"("*")", "s3:GetObject", "arn:aws:s3:::bucket/*", "Public")))
          .As(std::nullopt)
          .Expect(Kind::kAllow, {"resource:0:Public:Allow"}),
      T("AnonymousNotMatchedByAccountPrincipal")
          .Resource(Doc(Rs("Allow", Aws("123456789012"), "s3:GetObject", "*")))
          .As(std::nullopt)
          .Expect(Kind::kImplicitDeny),
      // No principal: an unspecified caller whose identity policies are given
      // (what `weir policy simulate` asks with "principal": null).
      T("UnspecifiedCallerIsDecidedByItsIdentityPolicies")
          .Identity(kAllowS3)
          .As(std::nullopt)
          .Expect(Kind::kAllow, {"identity:0:AllowS3:Allow"}),
      T("ServicePrincipalAllowedByResourcePolicy")
          .Resource(Doc(Rs("Allow", R"({"Service":"sns.amazonaws.com"})", "sqs:SendMessage", "*", "FromSns")))
          .As(std::string("sns.amazonaws.com"))
          .Do("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q")
          .Expect(Kind::kAllow, {"resource:0:FromSns:Allow"}),
      T("ServicePrincipalNotListed")
          .Resource(Doc(Rs("Allow", R"({"Service":"sns.amazonaws.com"})", "sqs:SendMessage", "*")))
          .As(std::string("events.amazonaws.com"))
          .Do("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q")
          .Expect(Kind::kImplicitDeny),

      // --- Role trust policies --------------------------------------------
      T("TrustPolicyAllowsNamedRoleSession")
          .Resource(
              R"({"Version":"2012-10-17","Statement":[{"Sid":"ClusterRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/cluster"},"Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"]}]})")
          .As(std::string("arn:aws:sts::123456789012:assumed-role/cluster/i-0abc"))
          .Do("sts:AssumeRole", "arn:aws:iam::123456789012:role/sales-data-access-role")
          .Expect(Kind::kAllow, {"resource:0:ClusterRole:Allow"}),
      T("TrustPolicyIdentityGrantAloneIsNotEnough")
          .Identity(Doc(St("Allow", "sts:AssumeRole", "*", "MayAssume")))
          .Resource(
              R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/cluster"},"Action":"sts:AssumeRole"}]})")
          .Do("sts:AssumeRole", "arn:aws:iam::123456789012:role/sales-data-access-role")
          .Expect(Kind::kImplicitDeny, {"identity:0:MayAssume:Allow"}),
      T("TrustPolicyAccountPrincipalNeedsIdentityGrant")
          .Resource(
              R"({"Version":"2012-10-17","Statement":[{"Sid":"Acct","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]})")
          .Do("sts:AssumeRole", "arn:aws:iam::123456789012:role/sales-data-access-role")
          .Expect(Kind::kImplicitDeny, {"resource:0:Acct:Allow"}),
      T("TrustPolicyAccountPrincipalWithIdentityGrant")
          .Identity(Doc(St("Allow", "sts:AssumeRole", "arn:aws:iam::123456789012:role/*", "MayAssume")))
          .Resource(
              R"({"Version":"2012-10-17","Statement":[{"Sid":"Acct","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]})")
          .Do("sts:AssumeRole", "arn:aws:iam::123456789012:role/sales-data-access-role")
          .Expect(Kind::kAllow, {"identity:0:MayAssume:Allow", "resource:0:Acct:Allow"}),
      T("TrustPolicyConditionOnSourceIdentity")
          .Resource(
              R"({"Version":"2012-10-17","Statement":[{"Sid":"Named","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/cluster"},"Action":"sts:SetSourceIdentity","Condition":{"StringLike":{"sts:SourceIdentity":"*"}}}]})")
          .As(std::string("arn:aws:sts::123456789012:assumed-role/cluster/i-0abc"))
          .Do("sts:SetSourceIdentity", "arn:aws:iam::123456789012:role/sales-data-access-role")
          .With(R"({"sts:SourceIdentity":"tina"})")
          .Expect(Kind::kAllow, {"resource:0:Named:Allow"}),

      // --- The seed write-up's policies -----------------------------------
      T("SeedArnListAllowsMarketingRole")
          .Identity(kSeedArnList)
          .As(std::string("arn:aws:sts::123456789012:assumed-role/studio-execution-role/david"))
          .Do(kGetCreds, kCluster)
          .With(R"({"elasticmapreduce:ExecutionRoleArn":"arn:aws:iam::123456789012:role/marketing-data-access-role"})")
          .Expect(Kind::kAllow, {"identity:0:AllowEMRRuntimeRole:Allow"}),
      T("SeedArnListAllowsSalesRole")
          .Identity(kSeedArnList)
          .As(std::string("arn:aws:sts::123456789012:assumed-role/studio-execution-role/tina"))
          .Do(kGetCreds, kCluster)
          .With(R"({"elasticmapreduce:ExecutionRoleArn":"arn:aws:iam::123456789012:role/sales-data-access-role"})")
          .Expect(Kind::kAllow, {"identity:0:AllowEMRRuntimeRole:Allow"}),
      T("SeedArnListRejectsOtherRole")
          .Identity(kSeedArnList)
          .Do(kGetCreds, kCluster)
          .With(
              R"({"elasticmapreduce:ExecutionRoleArn":"arn:aws:iam::123456789012:role/electronics-data-access-role"})")
          .Expect(Kind::kImplicitDeny),
      T("SeedArnListRejectsMissingExecutionRole")
          .Identity(kSeedArnList)
          .Do(kGetCreds, kCluster)
          .Expect(Kind::kImplicitDeny),
      T("SeedArnListRejectsOtherCluster")
          .Identity(kSeedArnList)
          .Do(kGetCreds, "arn:aws:elasticmapreduce:local:123456789012:cluster/other")
          .With(R"({"elasticmapreduce:ExecutionRoleArn":"arn:aws:iam::123456789012:role/sales-data-access-role"})")
          .Expect(Kind::kImplicitDeny),
      T("SeedArnListRejectsOtherAction")
          .Identity(kSeedArnList)
          .Do("elasticmapreduce:TerminateJobFlows", kCluster)
          .With(R"({"elasticmapreduce:ExecutionRoleArn":"arn:aws:iam::123456789012:role/sales-data-access-role"})")
          .Expect(Kind::kImplicitDeny),
      T("SeedTagAllowsClusterTaggedSales")
          .Identity(kSeedTag)
          .Do(kGetCreds, kCluster)
          .With(
              R"({"elasticmapreduce:ResourceTag/team":"sales","elasticmapreduce:ExecutionRoleArn":"arn:aws:iam::123456789012:role/sales-data-access-role"})")
          .Expect(Kind::kAllow, {"identity:0:AllowEMRRuntimeRole:Allow"}),
      T("SeedTagRejectsClusterTaggedOtherTeam")
          .Identity(kSeedTag)
          .Do(kGetCreds, kCluster)
          .With(R"({"elasticmapreduce:ResourceTag/team":"marketing"})")
          .Expect(Kind::kImplicitDeny),
      T("SeedTagRejectsUntaggedCluster").Identity(kSeedTag).Do(kGetCreds, kCluster).Expect(Kind::kImplicitDeny),
      T("SeedTagValueIsCaseSensitive")
          .Identity(kSeedTag)
          .Do(kGetCreds, kCluster)
          .With(R"({"elasticmapreduce:ResourceTag/team":"Sales"})")
          .Expect(Kind::kImplicitDeny),

      // --- Invalid requests -----------------------------------------------
      T("RequestActionWithoutServiceIsImplicitDeny")
          .Identity(Doc(St("Allow", "*", "*")))
          .Do("GetObject")
          .Expect(Kind::kImplicitDeny),
      T("RequestActionWithWildcardIsImplicitDeny")
          .Identity(Doc(St("Allow", "*", "*")))
          .Do("s3:*")
          .Expect(Kind::kImplicitDeny),
      T("RequestWithoutResourceIsImplicitDeny")
          .Identity(Doc(St("Allow", "*", "*")))
          .Do("s3:GetObject", "")
          .Expect(Kind::kImplicitDeny),
  };
}

Context MakeContext(const std::string& text) {
  Context context;
  const nlohmann::json doc = nlohmann::json::parse(text);
  for (const auto& item : doc.items()) {
    if (item.value().is_array()) {
      context.Set(item.key(), item.value().get<std::vector<std::string>>());
    } else {
      context.Set(item.key(), item.value().get<std::string>());
    }
  }
  return context;
}

iam::Policy MustParse(const std::string& text, PolicyKind kind) {
  auto policy = iam::Policy::Parse(text, kind);
  if (!policy.ok() && kind == PolicyKind::kResource) policy = iam::Policy::Parse(text, PolicyKind::kTrust);
  EXPECT_TRUE(policy.ok()) << policy.status().ToString() << "\n" << text;
  if (!policy.ok())
    return std::move(iam::Policy::Parse(R"({"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})")).value();
  return std::move(policy).value();
}

std::string Describe(const Matched& m) {
  return std::string(SourceName(m.source)) + ":" + std::to_string(m.policy_index) + ":" + m.statement + ":" +
         std::string(EffectName(m.effect));
}

// Test names, not bytes, in gtest's output.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class PolicyDecide : public ::testing::TestWithParam<Case> {};

TEST_P(PolicyDecide, Rule) {
  const Case& c = GetParam();
  std::vector<iam::Policy> identity, boundaries;
  for (const auto& p : c.identity) identity.push_back(MustParse(p, PolicyKind::kIdentity));
  for (const auto& p : c.boundaries) boundaries.push_back(MustParse(p, PolicyKind::kIdentity));
  std::optional<iam::Policy> resource, session;
  if (!c.resource_policy.empty()) resource = MustParse(c.resource_policy, PolicyKind::kResource);
  if (!c.session.empty()) session = MustParse(c.session, PolicyKind::kIdentity);

  PolicySet set;
  for (const auto& p : identity) set.identity.push_back(&p);
  for (const auto& p : boundaries) set.permission_boundaries.push_back(&p);
  set.resource = resource ? &*resource : nullptr;
  set.session = session ? &*session : nullptr;

  Request request;
  request.principal = c.principal;
  request.action = c.action;
  request.resource = c.resource;
  request.resource_account = c.resource_account;
  request.context = MakeContext(c.context);

  Decision decision = Decide(set, request);
  EXPECT_EQ(DecisionKindName(decision.kind), DecisionKindName(c.expected));
  std::vector<std::string> matched;
  for (const auto& m : decision.matched) matched.push_back(Describe(m));
  EXPECT_EQ(matched, c.matched);
}

INSTANTIATE_TEST_SUITE_P(Logic, PolicyDecide, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(PolicyDecideApi, NullPoliciesInTheSetAreSkipped) {
  auto allow = iam::Policy::Parse(kAllowS3, PolicyKind::kIdentity);
  ASSERT_TRUE(allow.ok());
  PolicySet set;
  set.identity = {nullptr, &*allow};
  set.permission_boundaries = {nullptr};
  Request request;
  request.principal = kAlice;
  request.action = "s3:GetObject";
  request.resource = kObject;
  Decision decision = Decide(set, request);
  EXPECT_TRUE(decision.allowed());
  ASSERT_EQ(decision.matched.size(), 1u);
  EXPECT_EQ(decision.matched[0].policy_index, 1u);
}

TEST(PolicyDecideApi, ResourcePolicyStatementWithoutPrincipalGrantsNothingButDenies) {
  // Parsed leniently (PolicyKind::kAny), as a caller might; a resource policy
  // statement must name its principals to grant anything.
  auto grants = iam::Policy::Parse(Doc(St("Allow", "s3:*", "*", "NoPrincipal")));
  auto denies = iam::Policy::Parse(Doc(St("Deny", "s3:*", "*", "NoPrincipal")));
  ASSERT_TRUE(grants.ok() && denies.ok());
  Request request;
  request.principal = kAlice;
  request.action = "s3:GetObject";
  request.resource = kObject;
  PolicySet set;
  set.resource = &*grants;
  Decision d = Decide(set, request);
  EXPECT_EQ(d.kind, Decision::Kind::kImplicitDeny);
  EXPECT_TRUE(d.matched.empty());
  request.resource_account = "999999999999";
  EXPECT_EQ(Decide(set, request).kind, Decision::Kind::kImplicitDeny);

  auto allow = iam::Policy::Parse(kAllowS3, PolicyKind::kIdentity);
  ASSERT_TRUE(allow.ok());
  set.identity.push_back(&*allow);
  set.resource = &*denies;
  request.resource_account.clear();
  EXPECT_EQ(Decide(set, request).kind, Decision::Kind::kExplicitDeny);
}

TEST(PolicyEvaluateApi, ReturnsMatchingStatementsAndThreeValuedOutcome) {
  auto policy = iam::Policy::Parse(
      Doc(St("Allow", "s3:*", "*", "A") + "," + St("Deny", "s3:Put*", "*") + "," + St("Allow", "ec2:*", "*", "C")));
  ASSERT_TRUE(policy.ok());
  Request request;
  request.principal = kAlice;
  request.action = "s3:GetObject";
  request.resource = kObject;
  std::vector<StatementMatch> matches;
  EXPECT_EQ(policy->Evaluate(request, &matches), Outcome::kAllow);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].index, 0u);
  EXPECT_EQ(matches[0].label, "A");
  EXPECT_EQ(matches[0].effect, Effect::kAllow);
  EXPECT_EQ(matches[0].principal, PrincipalMatch::kImplicit);

  request.action = "s3:PutObject";
  auto put = policy->Evaluate(request);
  ASSERT_EQ(put.size(), 2u);
  EXPECT_EQ(put[1].label, "1");
  EXPECT_EQ(policy->Evaluate(request, nullptr), Outcome::kDeny);

  request.action = "iam:CreateUser";
  EXPECT_EQ(policy->Evaluate(request, nullptr), Outcome::kNotApplicable);
}

TEST(PolicyEvaluateApi, ReportsHowThePrincipalMatched) {
  auto policy = iam::Policy::Parse(
      Doc(Rs("Allow", Aws(kRoleArn), "s3:*", "*", "Role") + "," +
          Rs("Allow", Aws("123456789012"), "s3:*", "*", "Acct") + "," +
          Rs("Allow", Aws(kSession), "s3:*", "*", "Direct") + "," + Rs("Allow", R"("*")", "s3:*", "*", "Any") + "," +
          Rs("Allow", Aws(kBob), "s3:*", "*", "NotBob", true)),
      PolicyKind::kResource);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  Request request;
  request.principal = kSession;
  request.action = "s3:GetObject";
  request.resource = kObject;
  auto matches = policy->Evaluate(request);
  ASSERT_EQ(matches.size(), 5u);
  EXPECT_EQ(matches[0].principal, PrincipalMatch::kRole);
  EXPECT_EQ(matches[1].principal, PrincipalMatch::kAccount);
  EXPECT_EQ(matches[2].principal, PrincipalMatch::kDirect);
  EXPECT_EQ(matches[3].principal, PrincipalMatch::kWildcard);
  EXPECT_EQ(matches[4].principal, PrincipalMatch::kNotPrincipal);
}

TEST(PolicyEvaluateApi, CopiesShareTheCompiledPolicy) {
  auto parsed = iam::Policy::Parse(kAllowS3);
  ASSERT_TRUE(parsed.ok());
  iam::Policy copy = *parsed;
  EXPECT_EQ(copy.statement_label(0).data(), parsed->statement_label(0).data());
}

TEST(PolicyEvaluateApi, ConcurrentDecisionsAgree) {
  auto policy = iam::Policy::Parse(Doc(St("Allow", "s3:*", "arn:aws:s3:::bucket/home/${aws:username}/*", "Home") + "," +
                                       St("Deny", "s3:DeleteObject", "*", "NoDelete")),
                                   PolicyKind::kIdentity);
  ASSERT_TRUE(policy.ok());
  PolicySet set;
  set.identity.push_back(&*policy);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        Request request;
        request.principal = kAlice;
        std::string user = "user" + std::to_string((t * 7 + i) % 13);
        request.action = i % 3 == 0 ? "s3:DeleteObject" : "s3:GetObject";
        request.resource = "arn:aws:s3:::bucket/home/" + user + "/f";
        request.context.Set("aws:username", user);
        Decision d = Decide(set, request);
        Decision::Kind want = i % 3 == 0 ? Decision::Kind::kExplicitDeny : Decision::Kind::kAllow;
        if (d.kind != want) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(PolicyEvaluateApi, ValidateRequestNamesTheField) {
  Request request;
  request.action = "GetObject";
  request.resource = "*";
  EXPECT_EQ(ValidateRequest(request).message().substr(0, 7), "action:");
  request.action = "s3:GetObject";
  request.resource = "";
  EXPECT_EQ(ValidateRequest(request).message().substr(0, 9), "resource:");
  request.resource = "*";
  request.principal = "";
  EXPECT_EQ(ValidateRequest(request).message().substr(0, 10), "principal:");
  request.principal = kAlice;
  EXPECT_TRUE(ValidateRequest(request).ok());
}

}  // namespace
}  // namespace weir::iam
