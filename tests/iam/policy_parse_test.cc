// Policy::Parse: which documents are valid, and which error (path and
// problem) an invalid one gets. One row per rule, named after it.

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iam/policy.h"

namespace weir::iam {
namespace {

// A 2012-10-17 document around the given statement list text.
std::string Doc(const std::string& statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}

// A document with one statement made of `fields` plus an Effect.
std::string Stmt(const std::string& fields) { return Doc(R"({"Effect":"Allow",)" + fields + "}"); }

// One statement with the given Condition block (identity-shaped).
std::string Cond(const std::string& condition) {
  return Stmt(R"("Action":"s3:GetObject","Resource":"*","Condition":)" + condition);
}

// One resource-policy statement with the given Principal value.
std::string Princ(const std::string& principal) {
  return Stmt(R"("Principal":)" + principal + R"(,"Action":"s3:GetObject","Resource":"*")");
}

struct ParseCase {
  std::string name;
  PolicyKind kind;
  std::string json;
  bool valid;
  std::string path;     // expected PolicyError::path when invalid
  std::string message;  // expected substring of PolicyError::message when invalid
};

ParseCase Valid(std::string name, std::string json, PolicyKind kind = PolicyKind::kAny) {
  return {std::move(name), kind, std::move(json), true, "", ""};
}

ParseCase Invalid(std::string name, std::string json, std::string path, std::string message,
                  PolicyKind kind = PolicyKind::kAny) {
  return {std::move(name), kind, std::move(json), false, std::move(path), std::move(message)};
}

const std::string kSeedArnList =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowEMRRuntimeRole","Effect":"Allow","Action":"elasticmapreduce:GetClusterSessionCredentials","Resource":["arn:aws:elasticmapreduce:local:123456789012:cluster/weir"],"Condition":{"StringLike":{"elasticmapreduce:ExecutionRoleArn":["arn:aws:iam::123456789012:role/marketing-data-access-role","arn:aws:iam::123456789012:role/sales-data-access-role"]}}}]})";
const std::string kSeedTag =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowEMRRuntimeRole","Effect":"Allow","Action":"elasticmapreduce:GetClusterSessionCredentials","Resource":"*","Condition":{"StringEquals":{"elasticmapreduce:ResourceTag/team":"sales"}}}]})";

const std::string kAllOperators = Cond(R"({
  "StringEquals": {"aws:username": "a"}, "StringNotEquals": {"aws:username": "b"},
  "StringEqualsIgnoreCase": {"aws:username": "A"}, "StringNotEqualsIgnoreCase": {"aws:username": "B"},
  "StringLike": {"aws:username": "a*"}, "StringNotLike": {"aws:username": "b?"},
  "NumericEquals": {"s3:max-keys": "1"}, "NumericNotEquals": {"s3:max-keys": 2},
  "NumericLessThan": {"s3:max-keys": "3"}, "NumericLessThanEquals": {"s3:max-keys": "3.5"},
  "NumericGreaterThan": {"s3:max-keys": "-1"}, "NumericGreaterThanEquals": {"s3:max-keys": "0"},
  "DateEquals": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}, "DateNotEquals": {"aws:CurrentTime": "2020-01-02"},
  "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00+02:00"}, "DateLessThanEquals": {"aws:EpochTime": 1893456000},
  "DateGreaterThan": {"aws:CurrentTime": "2019-06-01T12:30Z"}, "DateGreaterThanEquals": {"aws:EpochTime": "1577836800"},
  "Bool": {"aws:SecureTransport": "true"}, "BinaryEquals": {"s3:x": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="},
  "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}, "NotIpAddress": {"aws:SourceIp": "192.0.2.1"},
  "ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:t"}, "ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"},
  "ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/x"}, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/y*"},
  "Null": {"aws:TokenIssueTime": "true"}
})");

std::vector<ParseCase> Cases() {
  return {
      // --- Documents that must be accepted -------------------------------
      Valid("MinimalIdentityPolicy", Stmt(R"("Action":"s3:GetObject","Resource":"*")"), PolicyKind::kIdentity),
      Valid("StatementMayBeASingleObject",
            R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})"),
      Valid("VersionMayBeOmitted", R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})"),
      Valid("Version2008Accepted",
            R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})"),
      Valid(
          "IdAccepted",
          R"({"Version":"2012-10-17","Id":"cd3ad3d9-2776-4ef1 with spaces","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})"),
      Valid("SidAlphanumericAccepted", Stmt(R"("Sid":"Stmt1Allow2","Action":"s3:*","Resource":"*")")),
      Valid(
          "EmptySidCountsAsAbsent",
          Doc(R"({"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"","Effect":"Deny","Action":"s3:*","Resource":"*"})")),
      Valid(
          "SidsMayDifferOnlyInCase",
          Doc(R"({"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"s3:*","Resource":"*"})")),
      Valid("ActionListAccepted", Stmt(R"("Action":["s3:GetObject","s3:PutObject","iam:*AccessKey*"],"Resource":"*")")),
      Valid("ActionStarAloneAccepted", Stmt(R"("Action":"*","Resource":"*")")),
      Valid("ActionAnyLetterCaseAccepted", Stmt(R"("Action":"IAM:listaccesskeys","Resource":"*")")),
      Valid("ActionQuestionMarkAccepted", Stmt(R"("Action":"s3:Get?bject","Resource":"*")")),
      Valid("ActionServiceWithHyphenAccepted", Stmt(R"("Action":"execute-api:Invoke","Resource":"*")")),
      Valid("ActionWildcardInServiceAccepted", Stmt(R"("Action":"*:Get*","Resource":"*")")),
      Valid("NotActionAccepted", Stmt(R"("NotAction":"iam:*","Resource":"*")")),
      Valid("NotResourceAccepted",
            Stmt(R"("Action":"s3:*","NotResource":["arn:aws:s3:::secret","arn:aws:s3:::secret/*"])")),
      Valid("ResourceArnWithEmptyRegionAndAccount", Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::bucket/*")")),
      Valid("ResourceTrailingStarMayStandForLaterSegments", Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:*")")),
      Valid("ResourceArnStarAlone", Stmt(R"("Action":"s3:*","Resource":"arn:*")")),
      Valid("ResourceColonsInsideResourcePart",
            Stmt(R"("Action":"logs:*","Resource":"arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:*")")),
      Valid("ResourceWildcardsInEverySegment", Stmt(R"("Action":"s3:*","Resource":"arn:*:s?:*:*:*")")),
      Valid("ResourceVariableAccepted",
            Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*")")),
      Valid("ResourceVariableWithDefaultAccepted",
            Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}")")),
      Valid("ResourceVariableDefaultMayContainBrace",
            Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'a}b'}")")),
      Valid("ResourceVariableInAccountSegment",
            Stmt(R"("Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/t")")),
      Valid("ResourceEscapesAccepted", Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::b/${*}${?}${$}")")),
      Valid(
          "Version2008TreatsBrokenVariableAsText",
          R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username"}]})"),
      Valid("EveryConditionOperatorAccepted", kAllOperators),
      Valid(
          "IfExistsOnEveryOperatorButNull",
          Cond(
              R"({"StringEqualsIfExists":{"a:b":"x"},"NumericLessThanIfExists":{"a:n":"1"},"DateEqualsIfExists":{"a:d":"2020-01-01"},"BoolIfExists":{"a:t":"true"},"BinaryEqualsIfExists":{"a:y":"AA=="},"IpAddressIfExists":{"a:i":"10.0.0.0/8"},"NotIpAddressIfExists":{"a:j":"10.0.0.0/8"},"ArnLikeIfExists":{"a:r":"arn:aws:s3:::b"},"StringNotLikeIfExists":{"a:s":"x*"}})")),
      Valid("ForAnyValueQualifierAccepted", Cond(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}})")),
      Valid("ForAllValuesQualifierAccepted", Cond(R"({"ForAllValues:StringLike":{"aws:TagKeys":"key1*"}})")),
      Valid("QualifierWithIfExistsAccepted", Cond(R"({"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":"a"}})")),
      Valid("ConditionValuesMayBeNumbers", Cond(R"({"NumericLessThanEquals":{"s3:max-keys":10}})")),
      Valid("ConditionValuesMayBeBooleans", Cond(R"({"Bool":{"aws:SecureTransport":false}})")),
      Valid("ConditionValueListMayMixScalars", Cond(R"({"StringEquals":{"s3:x":["a",1,true]}})")),
      Valid("EmptyConditionObjectAccepted", Cond("{}")),
      Valid("ConditionKeyWithTagSlashAndSpace", Cond(R"({"StringEquals":{"aws:PrincipalTag/cost center":"x"}})")),
      Valid("ConditionStringVariableAccepted",
            Cond(R"({"StringLike":{"s3:prefix":["","home/","home/${aws:username}/"]}})")),
      Valid("ConditionArnVariableAccepted", Cond(R"({"ArnEquals":{"aws:SourceArn":"${aws:PrincipalArn}"}})")),
      Valid("ConditionBoolVariableAccepted", Cond(R"({"Bool":{"aws:SecureTransport":"${aws:ViaAWSService}"}})")),
      Valid("DateEpochWithFractionAccepted", Cond(R"({"DateLessThan":{"aws:CurrentTime":"1577836800.25"}})")),
      Valid("DateIsoWithMillisecondsAccepted",
            Cond(R"({"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00.123Z"}})")),
      Valid("DateIsoWithoutZoneAccepted", Cond(R"({"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00"}})")),
      Valid("DateLeapDayAccepted", Cond(R"({"DateEquals":{"aws:CurrentTime":"2024-02-29"}})")),
      Valid("Ipv6CompressedAccepted",
            Cond(R"({"IpAddress":{"aws:SourceIp":["::1","::","fe80::/10","::ffff:10.0.0.1"]}})")),
      Valid("BinaryEmptyAccepted", Cond(R"({"BinaryEquals":{"s3:x":""}})")),
      Valid("UnicodeValuesAccepted", Cond(R"({"StringEquals":{"aws:username":"Zoë 名前"}})")),
      Valid("ResourcePolicyPrincipalStar", Princ(R"("*")"), PolicyKind::kResource),
      Valid("ResourcePolicyAwsStar", Princ(R"({"AWS":"*"})"), PolicyKind::kResource),
      Valid("ResourcePolicyAccountId", Princ(R"({"AWS":"123456789012"})"), PolicyKind::kResource),
      Valid("ResourcePolicyRootArn", Princ(R"({"AWS":"arn:aws:iam::123456789012:root"})"), PolicyKind::kResource),
      Valid("ResourcePolicyUserArn", Princ(R"({"AWS":"arn:aws:iam::123456789012:user/division/alice"})"),
            PolicyKind::kResource),
      Valid("ResourcePolicyRoleArn",
            Princ(R"({"AWS":["arn:aws:iam::123456789012:role/R","arn:aws-cn:iam::123456789012:role/p/Q"]})"),
            PolicyKind::kResource),
      Valid("ResourcePolicyAssumedRoleArn", Princ(R"({"AWS":"arn:aws:sts::123456789012:assumed-role/R/session"})"),
            PolicyKind::kResource),
      Valid("ResourcePolicyFederatedUserArn", Princ(R"({"AWS":"arn:aws:sts::123456789012:federated-user/bob"})"),
            PolicyKind::kResource),
      Valid("ResourcePolicyServicePrincipal",
            Princ(R"({"Service":["ecs.amazonaws.com","elasticloadbalancing.amazonaws.com"]})"), PolicyKind::kResource),
      Valid("ResourcePolicyFederatedPrincipal",
            Princ(R"({"Federated":["cognito-identity.amazonaws.com","arn:aws:iam::123456789012:saml-provider/corp"]})"),
            PolicyKind::kResource),
      Valid("ResourcePolicyCanonicalUser",
            Princ(R"({"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"})"),
            PolicyKind::kResource),
      Valid("ResourcePolicyMixedPrincipalTypes", Princ(R"({"AWS":["999999999999"],"Service":"sns.amazonaws.com"})"),
            PolicyKind::kResource),
      Valid("ResourcePolicyNotPrincipal",
            Stmt(R"("NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:*","Resource":"*")"),
            PolicyKind::kResource),
      Valid(
          "TrustPolicyWithoutResource",
          Stmt(
              R"("Principal":{"AWS":"arn:aws:iam::123456789012:role/cluster"},"Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"])"),
          PolicyKind::kTrust),
      Valid("AnyKindAcceptsTrustShape",
            Stmt(R"("Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole")")),
      Valid("SeedArnListPolicy", kSeedArnList, PolicyKind::kIdentity),
      Valid("SeedTagPolicy", kSeedTag, PolicyKind::kIdentity),

      // --- Document-level errors ------------------------------------------
      Invalid("NotJson", "{", "", "invalid JSON"),
      Invalid("EmptyInput", "", "", "invalid JSON"),
      Invalid("TrailingCommaInObject", R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",}]})",
              "Statement[0].Resource", "invalid JSON"),
      Invalid("TrailingGarbage", Stmt(R"("Action":"s3:*","Resource":"*")") + "x", "", "invalid JSON"),
      Invalid("InvalidUtf8", Stmt("\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::\xff\""), "Statement[0].Resource",
              "invalid JSON"),
      Invalid("TopLevelArray", "[]", "", "must be a JSON object"),
      Invalid("TopLevelString", R"("policy")", "", "must be a JSON object"),
      Invalid("DocumentTooLarge",
              Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::)" + std::string(kMaxPolicyBytes, 'a') + "\""), "",
              "limit is 131072"),
      Invalid(
          "NestingTooDeep", R"({"Statement":)" + std::string(40, '[') + std::string(40, ']') + "}",
          [] {
            std::string path = "Statement";
            for (int i = 0; i < 31; ++i) path += "[0]";
            return path;
          }(),
          "nested deeper than 32"),
      Invalid("DuplicateTopLevelKey",
              R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}],"Statement":[]})", "Statement",
              "duplicate key"),
      Invalid("DuplicateEffectKey", Doc(R"({"Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*"})"),
              "Statement[0].Effect", "duplicate key"),
      Invalid("DuplicateConditionOperator", Cond(R"({"StringEquals":{"a:b":"1"},"StringEquals":{"a:c":"2"}})"),
              "Statement[0].Condition.StringEquals", "duplicate key"),
      Invalid("DuplicateConditionKey", Cond(R"({"StringEquals":{"a:b":"1","a:b":"2"}})"),
              "Statement[0].Condition.StringEquals.a:b", "duplicate key"),
      Invalid(
          "DuplicateKeyInSecondStatement",
          Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Action":"ec2:*","Resource":"*"})"),
          "Statement[1].Action", "duplicate key"),
      Invalid("UnknownTopLevelElement",
              R"({"Version":"2012-10-17","Foo":1,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
              "Foo", "unknown policy element"),
      Invalid("BadVersion",
              R"({"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", "Version",
              "unsupported policy language version '2012-10-18'"),
      Invalid("VersionNotString", R"({"Version":2012,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
              "Version", "unsupported policy language version"),
      Invalid("IdNotString", R"({"Id":5,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", "Id",
              "must be a string"),
      Invalid("MissingStatement", R"({"Version":"2012-10-17"})", "", "missing Statement"),
      Invalid("EmptyStatementList", R"({"Version":"2012-10-17","Statement":[]})", "Statement", "no statements"),
      Invalid("StatementNotObjectOrList", R"({"Version":"2012-10-17","Statement":"Allow"})", "Statement",
              "expected a statement object"),
      Invalid("StatementEntryNotObject", Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"},"x")"),
              "Statement[1]", "must be a JSON object"),

      // --- Statement elements ---------------------------------------------
      Invalid("UnknownStatementElement", Stmt(R"("Actions":"s3:*","Resource":"*")"), "Statement[0].Actions",
              "unknown statement element"),
      Invalid("ElementNamesAreCaseSensitive", Doc(R"({"effect":"Allow","Action":"s3:*","Resource":"*"})"),
              "Statement[0].effect", "unknown statement element"),
      Invalid("SingleStatementErrorPathHasNoIndex",
              R"({"Version":"2012-10-17","Statement":{"Effect":"Permit","Action":"s3:*","Resource":"*"}})",
              "Statement.Effect", "expected \"Allow\" or \"Deny\""),
      Invalid("MissingEffect", Doc(R"({"Action":"s3:*","Resource":"*"})"), "Statement[0]", "missing Effect"),
      Invalid("EffectIsCaseSensitive", Doc(R"({"Effect":"allow","Action":"s3:*","Resource":"*"})"),
              "Statement[0].Effect", "got 'allow'"),
      Invalid("EffectNotString", Doc(R"({"Effect":true,"Action":"s3:*","Resource":"*"})"), "Statement[0].Effect",
              "expected \"Allow\" or \"Deny\""),
      Invalid("SidWithHyphenRejected", Stmt(R"("Sid":"allow-read","Action":"s3:*","Resource":"*")"), "Statement[0].Sid",
              "only ASCII letters and digits"),
      Invalid("SidWithSpaceRejected", Stmt(R"("Sid":"allow read","Action":"s3:*","Resource":"*")"), "Statement[0].Sid",
              "only ASCII letters and digits"),
      Invalid("SidNotString", Stmt(R"("Sid":1,"Action":"s3:*","Resource":"*")"), "Statement[0].Sid",
              "must be a string"),
      Invalid(
          "DuplicateSidRejected",
          Doc(R"({"Sid":"S1","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"S1","Effect":"Deny","Action":"s3:*","Resource":"*"})"),
          "Statement[1].Sid", "duplicate Sid 'S1' (also in Statement[0])"),
      Invalid("MissingAction", Stmt(R"("Resource":"*")"), "Statement[0]", "missing Action or NotAction"),
      Invalid("ActionAndNotActionExclusive", Stmt(R"("Action":"s3:*","NotAction":"iam:*","Resource":"*")"),
              "Statement[0]", "Action and NotAction are mutually exclusive"),
      Invalid("ActionWithoutColon", Stmt(R"("Action":"s3GetObject","Resource":"*")"), "Statement[0].Action",
              "invalid action 's3GetObject'"),
      Invalid("ActionWithEmptyService", Stmt(R"("Action":":GetObject","Resource":"*")"), "Statement[0].Action",
              "invalid action"),
      Invalid("ActionWithEmptyName", Stmt(R"("Action":"s3:","Resource":"*")"), "Statement[0].Action", "invalid action"),
      Invalid("ActionWithTwoColons", Stmt(R"("Action":"s3:Get:Object","Resource":"*")"), "Statement[0].Action",
              "invalid action"),
      Invalid("ActionWithSpace", Stmt(R"("Action":"s3:Get Object","Resource":"*")"), "Statement[0].Action",
              "invalid action"),
      Invalid("ActionEmptyString", Stmt(R"("Action":"","Resource":"*")"), "Statement[0].Action", "invalid action"),
      Invalid("ActionEmptyList", Stmt(R"("Action":[],"Resource":"*")"), "Statement[0].Action", "empty list of actions"),
      Invalid("ActionListEntryNotString", Stmt(R"("Action":["s3:*",7],"Resource":"*")"), "Statement[0].Action[1]",
              "expected a string"),
      Invalid("ActionObjectRejected", Stmt(R"("Action":{"s3":"*"},"Resource":"*")"), "Statement[0].Action",
              "expected a string or a list"),
      Invalid("BadActionPathNamesListIndex", Stmt(R"("Action":["s3:GetObject","s3:Put Object"],"Resource":"*")"),
              "Statement[0].Action[1]", "invalid action 's3:Put Object'"),
      Invalid("NotActionValidatedLikeAction", Stmt(R"("NotAction":"iam","Resource":"*")"), "Statement[0].NotAction",
              "invalid action"),
      Invalid("MissingResourceInIdentityPolicy", Stmt(R"("Action":"s3:*")"), "Statement[0]",
              "missing Resource or NotResource", PolicyKind::kIdentity),
      Invalid("MissingResourceWithoutPrincipalInAnyKind", Stmt(R"("Action":"s3:*")"), "Statement[0]",
              "missing Resource or NotResource"),
      Invalid("MissingResourceInResourcePolicy", Stmt(R"("Principal":"*","Action":"s3:*")"), "Statement[0]",
              "missing Resource or NotResource", PolicyKind::kResource),
      Invalid("ResourceAndNotResourceExclusive",
              Stmt(R"("Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::b")"), "Statement[0]",
              "Resource and NotResource are mutually exclusive"),
      Invalid("ResourceMalformedArnNamesIndex", Stmt(R"("Action":"s3:*","Resource":["*","arn:aws:s3:::b","arn:aws"])"),
              "Statement[0].Resource[2]", "malformed ARN 'arn:aws'"),
      Invalid("ResourceNotAnArn", Stmt(R"("Action":"s3:*","Resource":"my-bucket")"), "Statement[0].Resource",
              "malformed ARN 'my-bucket'"),
      Invalid("ResourceEmptyString", Stmt(R"("Action":"s3:*","Resource":"")"), "Statement[0].Resource",
              "malformed ARN"),
      Invalid("ResourceEmptyResourcePart", Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::")"),
              "Statement[0].Resource", "malformed ARN"),
      Invalid("ResourceEmptyService", Stmt(R"("Action":"s3:*","Resource":"arn:aws::us-east-1:123456789012:x")"),
              "Statement[0].Resource", "malformed ARN"),
      Invalid("ResourceEmptyPartition", Stmt(R"("Action":"s3:*","Resource":"arn::s3:::b")"), "Statement[0].Resource",
              "malformed ARN"),
      Invalid("ResourceArnPrefixIsCaseSensitive", Stmt(R"("Action":"s3:*","Resource":"ARN:aws:s3:::b")"),
              "Statement[0].Resource", "malformed ARN"),
      Invalid("ResourceShortArnWithoutTrailingStar", Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:bucket")"),
              "Statement[0].Resource", "malformed ARN"),
      Invalid("ResourceEscapedStarIsNotATrailingWildcard", Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3${*}")"),
              "Statement[0].Resource", "malformed ARN"),
      Invalid("ResourceEmptyList", Stmt(R"("Action":"s3:*","Resource":[])"), "Statement[0].Resource",
              "empty list of resources"),
      Invalid("ResourceNumberRejected", Stmt(R"("Action":"s3:*","Resource":5)"), "Statement[0].Resource",
              "expected a string or a list"),
      Invalid("NotResourceMalformedArn", Stmt(R"("Action":"s3:*","NotResource":["arn:aws:s3:::ok","nope"])"),
              "Statement[0].NotResource[1]", "malformed ARN 'nope'"),
      Invalid("ResourceUnterminatedVariable", Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username")"),
              "Statement[0].Resource", "unterminated policy variable"),
      Invalid("ResourceEmptyVariable", Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::b/${}")"),
              "Statement[0].Resource", "empty policy variable"),
      Invalid("ResourceVariableDefaultMustBeQuoted",
              Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username, guest}")"), "Statement[0].Resource",
              "must be quoted"),
      Invalid("ResourceVariableDefaultUnterminated",
              Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username, 'guest}")"), "Statement[0].Resource",
              "unterminated default value"),
      Invalid("ResourceNestedVariableRejected",
              Stmt(R"("Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:${aws:username}}")"), "Statement[0].Resource",
              "invalid policy variable name"),

      // --- Principal ------------------------------------------------------
      Invalid("PrincipalNotAllowedInIdentityPolicy", Princ(R"("*")"), "Statement[0].Principal",
              "not allowed in an identity-based policy", PolicyKind::kIdentity),
      Invalid("NotPrincipalNotAllowedInIdentityPolicy",
              Stmt(R"("NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*")"),
              "Statement[0].NotPrincipal", "not allowed in an identity-based policy", PolicyKind::kIdentity),
      Invalid("PrincipalRequiredInResourcePolicy", Stmt(R"("Action":"s3:*","Resource":"*")"), "Statement[0]",
              "missing Principal or NotPrincipal", PolicyKind::kResource),
      Invalid("PrincipalRequiredInTrustPolicy", Stmt(R"("Action":"sts:AssumeRole")"), "Statement[0]",
              "missing Principal or NotPrincipal", PolicyKind::kTrust),
      Invalid("ResourceNotAllowedInTrustPolicy",
              Stmt(R"("Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Resource":"*")"),
              "Statement[0].Resource", "not allowed in a trust policy", PolicyKind::kTrust),
      Invalid("PrincipalAndNotPrincipalExclusive",
              Stmt(R"("Principal":"*","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*")"),
              "Statement[0]", "Principal and NotPrincipal are mutually exclusive"),
      Invalid("PrincipalStringMustBeStar", Princ(R"("arn:aws:iam::123456789012:root")"), "Statement[0].Principal",
              "expected \"*\" or an object"),
      Invalid("PrincipalListRejected", Princ(R"(["*"])"), "Statement[0].Principal", "expected \"*\" or an object"),
      Invalid("PrincipalEmptyObject", Princ("{}"), "Statement[0].Principal", "no principals"),
      Invalid("PrincipalUnknownType", Princ(R"({"Group":"admins"})"), "Statement[0].Principal.Group",
              "unknown principal type"),
      Invalid("PrincipalTypeIsCaseSensitive", Princ(R"({"aws":"123456789012"})"), "Statement[0].Principal.aws",
              "unknown principal type"),
      Invalid("PrincipalPartialWildcardRejected", Princ(R"({"AWS":"arn:aws:iam::123456789012:user/*"})"),
              "Statement[0].Principal.AWS", "wildcards are not allowed"),
      Invalid("PrincipalWildcardAccountRejected", Princ(R"({"AWS":"arn:aws:iam::*:root"})"),
              "Statement[0].Principal.AWS", "wildcards are not allowed"),
      Invalid("PrincipalShortAccountIdRejected", Princ(R"({"AWS":"12345"})"), "Statement[0].Principal.AWS",
              "invalid AWS principal '12345'"),
      Invalid("PrincipalNonIamArnRejected", Princ(R"({"AWS":"arn:aws:s3:::bucket"})"), "Statement[0].Principal.AWS",
              "invalid AWS principal"),
      Invalid("PrincipalGroupArnRejected", Princ(R"({"AWS":"arn:aws:iam::123456789012:group/admins"})"),
              "Statement[0].Principal.AWS", "unsupported principal ARN"),
      Invalid("PrincipalAssumedRoleNeedsSession", Princ(R"({"AWS":"arn:aws:sts::123456789012:assumed-role/R"})"),
              "Statement[0].Principal.AWS", "invalid assumed-role ARN"),
      Invalid("PrincipalArnWithRegionRejected", Princ(R"({"AWS":"arn:aws:iam:us-east-1:123456789012:root"})"),
              "Statement[0].Principal.AWS", "invalid AWS principal"),
      Invalid("PrincipalVariableRejected", Princ(R"({"AWS":"arn:aws:iam::123456789012:user/${aws:username}"})"),
              "Statement[0].Principal.AWS", "policy variables are not allowed in a principal"),
      Invalid("PrincipalServiceWildcardRejected", Princ(R"({"Service":"*.amazonaws.com"})"),
              "Statement[0].Principal.Service", "wildcards are not allowed"),
      Invalid("PrincipalEmptyServiceRejected", Princ(R"({"Service":""})"), "Statement[0].Principal.Service",
              "empty principal"),
      Invalid("PrincipalBadEntryNamesIndex", Princ(R"({"AWS":["123456789012","nope"]})"),
              "Statement[0].Principal.AWS[1]", "invalid AWS principal 'nope'"),
      Invalid("PrincipalEmptyListRejected", Princ(R"({"AWS":[]})"), "Statement[0].Principal.AWS",
              "empty list of principals"),
      Invalid("PrincipalNonStringEntryRejected", Princ(R"({"AWS":[123456789012]})"), "Statement[0].Principal.AWS[0]",
              "expected a string"),

      // --- Condition ------------------------------------------------------
      Invalid("ConditionNotObject", Cond(R"(["StringEquals"])"), "Statement[0].Condition",
              "expected an object mapping condition operators"),
      Invalid(
          "UnknownConditionOperatorNamesStatement",
          Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a:b":"c"}}})"),
          "Statement[1].Condition.StringEqualz", "unknown condition operator"),
      Invalid("ConditionOperatorsAreCaseSensitive", Cond(R"({"stringequals":{"a:b":"c"}})"),
              "Statement[0].Condition.stringequals", "unknown condition operator"),
      Invalid("NullIfExistsRejected", Cond(R"({"NullIfExists":{"a:b":"true"}})"), "Statement[0].Condition.NullIfExists",
              "cannot be applied to Null"),
      Invalid("SetQualifierOnNullRejected", Cond(R"({"ForAnyValue:Null":{"a:b":"true"}})"),
              "Statement[0].Condition.ForAnyValue:Null", "cannot be applied to Null"),
      Invalid("UnknownSetQualifierRejected", Cond(R"({"ForSomeValues:StringEquals":{"a:b":"c"}})"),
              "Statement[0].Condition.ForSomeValues:StringEquals", "unknown condition operator"),
      Invalid("QualifierWithoutOperatorRejected", Cond(R"({"ForAnyValue:":{"a:b":"c"}})"),
              "Statement[0].Condition.ForAnyValue:", "unknown condition operator"),
      Invalid("IfExistsAloneRejected", Cond(R"({"IfExists":{"a:b":"c"}})"), "Statement[0].Condition.IfExists",
              "unknown condition operator"),
      Invalid("IfExistsTwiceRejected", Cond(R"({"StringEqualsIfExistsIfExists":{"a:b":"c"}})"),
              "Statement[0].Condition.StringEqualsIfExistsIfExists", "unknown condition operator"),
      Invalid("OperatorBlockNotObject", Cond(R"({"StringEquals":"aws:username"})"),
              "Statement[0].Condition.StringEquals", "expected an object mapping condition keys"),
      Invalid("OperatorBlockEmpty", Cond(R"({"StringEquals":{}})"), "Statement[0].Condition.StringEquals",
              "no condition keys"),
      Invalid("ConditionKeyWithoutPrefix", Cond(R"({"StringEquals":{"username":"a"}})"),
              "Statement[0].Condition.StringEquals.username", "invalid condition key"),
      Invalid("ConditionKeyWithEmptyName", Cond(R"({"StringEquals":{"aws:":"a"}})"),
              "Statement[0].Condition.StringEquals.aws:", "invalid condition key"),
      Invalid("ConditionKeyVariableRejected", Cond(R"({"StringEquals":{"aws:ResourceTag/${aws:username}":"a"}})"),
              "Statement[0].Condition.StringEquals.aws:ResourceTag/${aws:username}",
              "policy variables are not allowed in condition keys"),
      Invalid("ConditionValueNullRejected", Cond(R"({"StringEquals":{"aws:username":null}})"),
              "Statement[0].Condition.StringEquals.aws:username", "must be a string, number or boolean"),
      Invalid("ConditionValueObjectRejected", Cond(R"({"StringEquals":{"aws:username":{"a":"b"}}})"),
              "Statement[0].Condition.StringEquals.aws:username", "must be a string, number or boolean"),
      Invalid("ConditionValueNestedListRejected", Cond(R"({"StringEquals":{"aws:username":[["a"]]}})"),
              "Statement[0].Condition.StringEquals.aws:username[0]", "must be a string, number or boolean"),
      Invalid("ConditionValueEmptyListRejected", Cond(R"({"StringEquals":{"aws:username":[]}})"),
              "Statement[0].Condition.StringEquals.aws:username", "empty list of condition values"),
      Invalid("ConditionValueListNamesIndex", Cond(R"({"StringEquals":{"aws:username":["a",null]}})"),
              "Statement[0].Condition.StringEquals.aws:username[1]", "must be a string, number or boolean"),
      Invalid("InvalidDateNamesKey", Cond(R"({"DateLessThan":{"aws:CurrentTime":"x"}})"),
              "Statement[0].Condition.DateLessThan.aws:CurrentTime", "invalid date 'x'"),
      Invalid("InvalidDateInListNamesIndex", Cond(R"({"DateLessThan":{"aws:CurrentTime":["2020-01-01","soon"]}})"),
              "Statement[0].Condition.DateLessThan.aws:CurrentTime[1]", "invalid date 'soon'"),
      Invalid("InvalidDateMonth13", Cond(R"({"DateEquals":{"aws:CurrentTime":"2020-13-01"}})"),
              "Statement[0].Condition.DateEquals.aws:CurrentTime", "invalid date"),
      Invalid("InvalidDateFeb29NonLeapYear", Cond(R"({"DateEquals":{"aws:CurrentTime":"2021-02-29"}})"),
              "Statement[0].Condition.DateEquals.aws:CurrentTime", "invalid date"),
      Invalid("InvalidDateHour24", Cond(R"({"DateEquals":{"aws:CurrentTime":"2020-01-01T24:00:00Z"}})"),
              "Statement[0].Condition.DateEquals.aws:CurrentTime", "invalid date"),
      Invalid("InvalidDateSecond60", Cond(R"({"DateEquals":{"aws:CurrentTime":"2020-01-01T23:59:60Z"}})"),
              "Statement[0].Condition.DateEquals.aws:CurrentTime", "invalid date"),
      Invalid("InvalidDateZoneDesignator", Cond(R"({"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00UTC"}})"),
              "Statement[0].Condition.DateEquals.aws:CurrentTime", "invalid date"),
      Invalid("InvalidDateSpaceSeparator", Cond(R"({"DateEquals":{"aws:CurrentTime":"2020-01-01 00:00:00Z"}})"),
              "Statement[0].Condition.DateEquals.aws:CurrentTime", "invalid date"),
      Invalid("InvalidDateEmpty", Cond(R"({"DateEquals":{"aws:CurrentTime":""}})"),
              "Statement[0].Condition.DateEquals.aws:CurrentTime", "invalid date"),
      Invalid("InvalidEpochBeyondYear9999", Cond(R"({"DateEquals":{"aws:EpochTime":"999999999999999"}})"),
              "Statement[0].Condition.DateEquals.aws:EpochTime", "invalid date"),
      Invalid("InvalidNumberWord", Cond(R"({"NumericEquals":{"s3:max-keys":"ten"}})"),
              "Statement[0].Condition.NumericEquals.s3:max-keys", "invalid number 'ten'"),
      Invalid("InvalidNumberHex", Cond(R"({"NumericEquals":{"s3:max-keys":"0x10"}})"),
              "Statement[0].Condition.NumericEquals.s3:max-keys", "invalid number"),
      Invalid("InvalidNumberNaN", Cond(R"({"NumericEquals":{"s3:max-keys":"NaN"}})"),
              "Statement[0].Condition.NumericEquals.s3:max-keys", "invalid number"),
      Invalid("InvalidNumberEmpty", Cond(R"({"NumericEquals":{"s3:max-keys":""}})"),
              "Statement[0].Condition.NumericEquals.s3:max-keys", "invalid number"),
      Invalid("InvalidNumberOverflowToInfinity", Cond(R"({"NumericEquals":{"s3:max-keys":"1e999"}})"),
              "Statement[0].Condition.NumericEquals.s3:max-keys", "invalid number"),
      Invalid("InvalidBool", Cond(R"({"Bool":{"aws:SecureTransport":"yes"}})"),
              "Statement[0].Condition.Bool.aws:SecureTransport", "expected \"true\" or \"false\", got 'yes'"),
      Invalid("InvalidNullValue", Cond(R"({"Null":{"aws:TokenIssueTime":"maybe"}})"),
              "Statement[0].Condition.Null.aws:TokenIssueTime", "expected \"true\" or \"false\""),
      Invalid("InvalidBase64Length", Cond(R"({"BinaryEquals":{"s3:x":"abc"}})"),
              "Statement[0].Condition.BinaryEquals.s3:x", "invalid base64 'abc'"),
      Invalid("InvalidBase64Characters", Cond(R"({"BinaryEquals":{"s3:x":"ab!="}})"),
              "Statement[0].Condition.BinaryEquals.s3:x", "invalid base64"),
      Invalid("InvalidBase64PaddingInMiddle", Cond(R"({"BinaryEquals":{"s3:x":"ab==abcd"}})"),
              "Statement[0].Condition.BinaryEquals.s3:x", "invalid base64"),
      Invalid("InvalidIpOctetOver255", Cond(R"({"IpAddress":{"aws:SourceIp":"256.0.0.1"}})"),
              "Statement[0].Condition.IpAddress.aws:SourceIp", "invalid IP address or CIDR '256.0.0.1'"),
      Invalid("InvalidIpv4PrefixOver32", Cond(R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}})"),
              "Statement[0].Condition.IpAddress.aws:SourceIp", "invalid IP address or CIDR"),
      Invalid("InvalidIpv6PrefixOver128", Cond(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/129"}})"),
              "Statement[0].Condition.IpAddress.aws:SourceIp", "invalid IP address or CIDR"),
      Invalid("InvalidIpv6TwoGaps", Cond(R"({"IpAddress":{"aws:SourceIp":"2001::db8::1"}})"),
              "Statement[0].Condition.IpAddress.aws:SourceIp", "invalid IP address or CIDR"),
      Invalid("InvalidIpv6TooManyGroups", Cond(R"({"IpAddress":{"aws:SourceIp":"1:2:3:4:5:6:7:8:9"}})"),
              "Statement[0].Condition.IpAddress.aws:SourceIp", "invalid IP address or CIDR"),
      Invalid("InvalidIpLeadingZeroOctet", Cond(R"({"NotIpAddress":{"aws:SourceIp":"010.0.0.1"}})"),
              "Statement[0].Condition.NotIpAddress.aws:SourceIp", "invalid IP address or CIDR"),
      Invalid("InvalidIpThreeOctets", Cond(R"({"IpAddress":{"aws:SourceIp":"10.0.0/8"}})"),
              "Statement[0].Condition.IpAddress.aws:SourceIp", "invalid IP address or CIDR"),
      Invalid("InvalidIpEmptyPrefix", Cond(R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/"}})"),
              "Statement[0].Condition.IpAddress.aws:SourceIp", "invalid IP address or CIDR"),
      Invalid("InvalidArnConditionValue", Cond(R"({"ArnLike":{"aws:SourceArn":"not-an-arn"}})"),
              "Statement[0].Condition.ArnLike.aws:SourceArn", "malformed ARN 'not-an-arn'"),
      Invalid("InvalidArnConditionTooShort", Cond(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns"}})"),
              "Statement[0].Condition.ArnEquals.aws:SourceArn", "malformed ARN"),
      Invalid("VariableRejectedInNumeric", Cond(R"({"NumericLessThan":{"s3:max-keys":"${aws:limit}"}})"),
              "Statement[0].Condition.NumericLessThan.s3:max-keys", "policy variables cannot be used with Numeric"),
      Invalid("VariableRejectedInDate", Cond(R"({"DateLessThan":{"aws:CurrentTime":"${aws:TokenIssueTime}"}})"),
              "Statement[0].Condition.DateLessThan.aws:CurrentTime", "policy variables cannot be used with Date"),
      Invalid("VariableRejectedInIpAddress", Cond(R"({"IpAddress":{"aws:SourceIp":"${aws:VpcSourceIp}"}})"),
              "Statement[0].Condition.IpAddress.aws:SourceIp", "policy variables cannot be used with IP address"),
      Invalid("VariableRejectedInBinary", Cond(R"({"BinaryEquals":{"s3:x":"${aws:x}"}})"),
              "Statement[0].Condition.BinaryEquals.s3:x", "policy variables cannot be used with Binary"),
      Invalid("VariableRejectedInNull", Cond(R"({"Null":{"s3:x":"${aws:x}"}})"), "Statement[0].Condition.Null.s3:x",
              "policy variables cannot be used with Null"),
      Invalid("UnterminatedVariableInCondition", Cond(R"({"StringLike":{"s3:prefix":"home/${aws:username/*"}})"),
              "Statement[0].Condition.StringLike.s3:prefix", "unterminated policy variable"),
      Invalid("InvalidBoolWithoutVariables", Cond(R"({"Bool":{"aws:SecureTransport":"1"}})"),
              "Statement[0].Condition.Bool.aws:SecureTransport", "expected \"true\" or \"false\""),
  };
}

// Test names, not bytes, in gtest's output.
void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

class PolicyParse : public ::testing::TestWithParam<ParseCase> {};

TEST_P(PolicyParse, Rule) {
  const ParseCase& c = GetParam();
  PolicyError error;
  auto policy = Policy::Parse(c.json, c.kind, &error);
  if (c.valid) {
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    return;
  }
  ASSERT_FALSE(policy.ok()) << "accepted an invalid policy";
  EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(error.path, c.path) << policy.status().message();
  EXPECT_NE(error.message.find(c.message), std::string::npos)
      << "message '" << error.message << "' lacks '" << c.message << "'";
  // The Status message is "<path>: <problem>" (or just the problem at the root).
  std::string expected = c.path.empty() ? error.message : c.path + ": " + error.message;
  EXPECT_EQ(policy.status().message(), expected);
}

INSTANTIATE_TEST_SUITE_P(Documents, PolicyParse, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<ParseCase>& info) { return info.param.name; });

TEST(PolicyParseApi, ExposesVersionIdKindAndStatementLabels) {
  auto policy = Policy::Parse(
      R"({"Version":"2012-10-17","Id":"P1","Statement":[{"Sid":"First","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]})",
      PolicyKind::kIdentity);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->version(), "2012-10-17");
  EXPECT_EQ(policy->id(), "P1");
  EXPECT_EQ(policy->kind(), PolicyKind::kIdentity);
  ASSERT_EQ(policy->statement_count(), 2u);
  EXPECT_EQ(policy->statement_label(0), "First");
  EXPECT_EQ(policy->statement_label(1), "1");
  EXPECT_EQ(policy->statement_effect(0), Effect::kAllow);
  EXPECT_EQ(policy->statement_effect(1), Effect::kDeny);
}

TEST(PolicyParseApi, MissingVersionMeans2008) {
  auto policy = Policy::Parse(R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})");
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->version(), "2008-10-17");
}

TEST(PolicyParseApi, DocumentAtTheSizeLimitIsAccepted) {
  // Many statements with distinct Sids, padded with spaces to exactly the limit.
  std::string doc = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; doc.size() < kMaxPolicyBytes - 200; ++i) {
    if (i > 0) doc += ",";
    doc += R"({"Sid":"S)" + std::to_string(i) +
           R"(","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/)" + std::to_string(i) +
           R"(/*"})";
  }
  doc += "]}";
  doc.insert(doc.size() - 1, kMaxPolicyBytes - doc.size(), ' ');
  ASSERT_EQ(doc.size(), kMaxPolicyBytes);
  auto policy = Policy::Parse(doc);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_GT(policy->statement_count(), 1000u);
}

TEST(PolicyParseApi, ResourceMayBeOneWholeVariable) {
  EXPECT_TRUE(Policy::Parse(Stmt(R"("Action":"s3:*","Resource":"${aws:SourceArn}")")).ok());
}

TEST(PolicyParseApi, ErrorWithoutDetailPointerStillNamesPath) {
  auto policy = Policy::Parse(R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws"}]})");
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().message(), "Statement[0].Resource: malformed ARN 'arn:aws'");
}

TEST(PolicyParseApi, PolicyKindNamesRoundTrip) {
  for (PolicyKind kind : {PolicyKind::kAny, PolicyKind::kIdentity, PolicyKind::kResource, PolicyKind::kTrust}) {
    PolicyKind parsed = PolicyKind::kAny;
    ASSERT_TRUE(ParsePolicyKind(PolicyKindName(kind), &parsed));
    EXPECT_EQ(parsed, kind);
  }
  PolicyKind unused;
  EXPECT_FALSE(ParsePolicyKind("scp", &unused));
}

TEST(PolicyParseApi, ValidateJsonTextFindsDuplicateKeysAnywhere) {
  PolicyError error;
  Status status = ValidateJsonText(R"({"a":[{"b":1},{"b":1,"b":2}]})", kMaxPolicyDepth, &error);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(error.path, "a[1].b");
  EXPECT_EQ(error.message, "duplicate key");
  EXPECT_TRUE(ValidateJsonText(R"({"a":[{"b":1},{"b":2}]})").ok());
}

}  // namespace
}  // namespace weir::iam
