// Condition operators: one row per rule, each evaluating a one-statement
// policy whose Condition block is under test against a request context.

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "iam/condition.h"
#include "iam/policy.h"

namespace weir::iam {
namespace {

struct ConditionCase {
  std::string name;
  std::string condition;  // the Condition element
  std::string context;    // {"key": "value" or ["v1", "v2"]}
  bool applies;           // whether the condition holds
  std::string version = "2012-10-17";
};

ConditionCase C(std::string name, std::string condition, std::string context, bool applies) {
  return {std::move(name), std::move(condition), std::move(context), applies};
}

ConditionCase C2008(std::string name, std::string condition, std::string context, bool applies) {
  return {std::move(name), std::move(condition), std::move(context), applies, "2008-10-17"};
}

Context MakeContext(const std::string& text) {
  Context context;
  auto doc = nlohmann::json::parse(text);
  for (const auto& item : doc.items()) {
    auto scalar = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
    if (item.value().is_array()) {
      std::vector<std::string> values;
      for (const auto& v : item.value()) values.push_back(scalar(v));
      context.Set(item.key(), std::move(values));
    } else {
      context.Set(item.key(), scalar(item.value()));
    }
  }
  return context;
}

constexpr const char* kNoContext = "{}";

std::vector<ConditionCase> Cases() {
  return {
      // --- String ---------------------------------------------------------
      C("StringEqualsExactMatch", R"({"StringEquals":{"aws:username":"alice"}})", R"({"aws:username":"alice"})", true),
      C("StringEqualsIsCaseSensitive", R"({"StringEquals":{"aws:username":"Alice"}})", R"({"aws:username":"alice"})",
        false),
      C("StringEqualsPolicyKeyIsCaseInsensitive", R"({"StringEquals":{"AWS:UserName":"alice"}})",
        R"({"aws:username":"alice"})", true),
      C("StringEqualsContextKeyIsCaseInsensitive", R"({"StringEquals":{"aws:username":"alice"}})",
        R"({"AWS:USERNAME":"alice"})", true),
      C("StringEqualsSeveralValuesAreOred", R"({"StringEquals":{"aws:username":["bob","alice"]}})",
        R"({"aws:username":"alice"})", true),
      C("StringEqualsNoValueMatches", R"({"StringEquals":{"aws:username":["bob","carol"]}})",
        R"({"aws:username":"alice"})", false),
      C("StringEqualsMissingKeyIsFalse", R"({"StringEquals":{"aws:username":"alice"}})", kNoContext, false),
      C("StringEqualsEmptyValueMatchesEmptyString", R"({"StringEquals":{"s3:prefix":""}})", R"({"s3:prefix":""})",
        true),
      C("StringEqualsNoPrefixMatching", R"({"StringEquals":{"aws:username":"ali"}})", R"({"aws:username":"alice"})",
        false),
      C("StringNotEqualsDifferentValueIsTrue", R"({"StringNotEquals":{"aws:username":"bob"}})",
        R"({"aws:username":"alice"})", true),
      C("StringNotEqualsSameValueIsFalse", R"({"StringNotEquals":{"aws:username":"alice"}})",
        R"({"aws:username":"alice"})", false),
      C("StringNotEqualsSeveralValuesAreNored", R"({"StringNotEquals":{"aws:username":["bob","alice"]}})",
        R"({"aws:username":"alice"})", false),
      C("StringNotEqualsNoneOfSeveralValuesIsTrue", R"({"StringNotEquals":{"aws:username":["bob","carol"]}})",
        R"({"aws:username":"alice"})", true),
      C("StringNotEqualsMissingKeyIsTrue", R"({"StringNotEquals":{"aws:PrincipalTag/team":"admin"}})", kNoContext,
        true),
      C("StringNotEqualsIsCaseSensitive", R"({"StringNotEquals":{"aws:username":"ALICE"}})",
        R"({"aws:username":"alice"})", true),
      C("StringEqualsIgnoreCaseMatchesOtherCase", R"({"StringEqualsIgnoreCase":{"aws:username":"ALICE"}})",
        R"({"aws:username":"alice"})", true),
      C("StringEqualsIgnoreCaseDifferentValueIsFalse", R"({"StringEqualsIgnoreCase":{"aws:username":"bob"}})",
        R"({"aws:username":"alice"})", false),
      C("StringEqualsIgnoreCaseMissingKeyIsFalse", R"({"StringEqualsIgnoreCase":{"aws:username":"bob"}})", kNoContext,
        false),
      C("StringNotEqualsIgnoreCaseSameLettersIsFalse", R"({"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}})",
        R"({"aws:username":"alice"})", false),
      C("StringNotEqualsIgnoreCaseDifferentIsTrue", R"({"StringNotEqualsIgnoreCase":{"aws:username":"bob"}})",
        R"({"aws:username":"alice"})", true),
      C("StringNotEqualsIgnoreCaseMissingKeyIsTrue", R"({"StringNotEqualsIgnoreCase":{"aws:username":"bob"}})",
        kNoContext, true),
      C("StringLikeStarMatchesAnySuffix", R"({"StringLike":{"s3:prefix":"home/*"}})", R"({"s3:prefix":"home/alice/x"})",
        true),
      C("StringLikeStarMatchesEmpty", R"({"StringLike":{"s3:prefix":"home/*"}})", R"({"s3:prefix":"home/"})", true),
      C("StringLikeStarInTheMiddle", R"({"StringLike":{"s3:prefix":"a*c"}})", R"({"s3:prefix":"abbbc"})", true),
      C("StringLikeStarNeedsTheRestToMatch", R"({"StringLike":{"s3:prefix":"a*c"}})", R"({"s3:prefix":"abbbd"})",
        false),
      C("StringLikeBacktracksOverRepeatedText", R"({"StringLike":{"s3:prefix":"*ab*ab"}})",
        R"({"s3:prefix":"xabyabab"})", true),
      C("StringLikeQuestionMarkMatchesOneChar", R"({"StringLike":{"s3:prefix":"file?.txt"}})",
        R"({"s3:prefix":"file1.txt"})", true),
      C("StringLikeQuestionMarkNeedsOneChar", R"({"StringLike":{"s3:prefix":"file?.txt"}})",
        R"({"s3:prefix":"file.txt"})", false),
      C("StringLikeQuestionMarkDoesNotMatchTwoChars", R"({"StringLike":{"s3:prefix":"file?.txt"}})",
        R"({"s3:prefix":"file12.txt"})", false),
      C("StringLikeQuestionMarkMatchesOneMultibyteChar", R"({"StringLike":{"aws:username":"caf?"}})",
        R"({"aws:username":"café"})", true),
      C("StringLikeIsCaseSensitive", R"({"StringLike":{"s3:prefix":"Home/*"}})", R"({"s3:prefix":"home/x"})", false),
      C("StringLikeWithoutWildcardIsExact", R"({"StringLike":{"s3:prefix":"abc"}})", R"({"s3:prefix":"abcd"})", false),
      C("StringLikeEmptyPatternMatchesOnlyEmpty", R"({"StringLike":{"s3:prefix":["","home/"]}})", R"({"s3:prefix":""})",
        true),
      C("StringLikeStarAloneMatchesAnything", R"({"StringLike":{"s3:prefix":"*"}})",
        R"({"s3:prefix":"anything/at:all"})", true),
      C("StringLikeSeveralValuesAreOred", R"({"StringLike":{"s3:prefix":["docs/*","home/*"]}})",
        R"({"s3:prefix":"home/a"})", true),
      C("StringLikeMissingKeyIsFalse", R"({"StringLike":{"s3:prefix":"*"}})", kNoContext, false),
      C("StringNotLikeMatchingValueIsFalse", R"({"StringNotLike":{"s3:prefix":"home/*"}})", R"({"s3:prefix":"home/x"})",
        false),
      C("StringNotLikeOtherValueIsTrue", R"({"StringNotLike":{"s3:prefix":"home/*"}})", R"({"s3:prefix":"docs/x"})",
        true),
      C("StringNotLikeMissingKeyIsTrue", R"({"StringNotLike":{"s3:prefix":"home/*"}})", kNoContext, true),
      C("StringEqualsNumberPolicyValueComparesAsText", R"({"StringEquals":{"s3:max-keys":10}})",
        R"({"s3:max-keys":"10"})", true),
      C("StringEqualsBooleanPolicyValueComparesAsText", R"({"StringEquals":{"aws:SecureTransport":true}})",
        R"({"aws:SecureTransport":"true"})", true),
      C("StringLikeOnMultivaluedKeyMatchesAnyValue", R"({"StringLike":{"s3:prefix":"home/*"}})",
        R"({"s3:prefix":["x","home/y"]})", true),
      C("StringEqualsEmptyValueListCountsAsMissing", R"({"StringEquals":{"aws:TagKeys":"a"}})", R"({"aws:TagKeys":[]})",
        false),
      C("StringNotEqualsEmptyValueListCountsAsMissing", R"({"StringNotEquals":{"aws:TagKeys":"a"}})",
        R"({"aws:TagKeys":[]})", true),
      C("StringNotEqualsOnMultivaluedKeyNoneEqualIsTrue", R"({"StringNotEquals":{"aws:TagKeys":"a"}})",
        R"({"aws:TagKeys":["b","c"]})", true),
      C("StringNotEqualsOnMultivaluedKeyOneEqualIsFalse", R"({"StringNotEquals":{"aws:TagKeys":"a"}})",
        R"({"aws:TagKeys":["a","c"]})", false),

      // --- Numeric --------------------------------------------------------
      C("NumericEqualsIntegers", R"({"NumericEquals":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"10"})", true),
      C("NumericEqualsDecimalEqualsInteger", R"({"NumericEquals":{"s3:max-keys":"10.0"}})", R"({"s3:max-keys":"10"})",
        true),
      C("NumericEqualsDifferentIsFalse", R"({"NumericEquals":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"11"})", false),
      C("NumericEqualsExponentForm", R"({"NumericEquals":{"s3:max-keys":"1e3"}})", R"({"s3:max-keys":"1000"})", true),
      C("NumericEqualsLeadingPlusSign", R"({"NumericEquals":{"s3:max-keys":"+5"}})", R"({"s3:max-keys":"5"})", true),
      C("NumericEqualsSeveralValuesAreOred", R"({"NumericEquals":{"s3:max-keys":["1","2"]}})", R"({"s3:max-keys":"2"})",
        true),
      C("NumericNotEqualsDifferentIsTrue", R"({"NumericNotEquals":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"11"})",
        true),
      C("NumericNotEqualsSameIsFalse", R"({"NumericNotEquals":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"10.00"})",
        false),
      C("NumericLessThanSmallerIsTrue", R"({"NumericLessThan":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"9"})", true),
      C("NumericLessThanEqualIsFalse", R"({"NumericLessThan":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"10"})", false),
      C("NumericLessThanEqualsEqualIsTrue", R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})",
        R"({"s3:max-keys":"10"})", true),
      C("NumericLessThanEqualsGreaterIsFalse", R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})",
        R"({"s3:max-keys":"10.5"})", false),
      C("NumericGreaterThanLargerIsTrue", R"({"NumericGreaterThan":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"11"})",
        true),
      C("NumericGreaterThanEqualIsFalse", R"({"NumericGreaterThan":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"10"})",
        false),
      C("NumericGreaterThanEqualsEqualIsTrue", R"({"NumericGreaterThanEquals":{"s3:max-keys":"10"}})",
        R"({"s3:max-keys":"10"})", true),
      C("NumericGreaterThanEqualsSmallerIsFalse", R"({"NumericGreaterThanEquals":{"s3:max-keys":"10"}})",
        R"({"s3:max-keys":"9.99"})", false),
      C("NumericComparesNegativeNumbers", R"({"NumericLessThan":{"s3:max-keys":"-1"}})", R"({"s3:max-keys":"-5"})",
        true),
      C("NumericComparesDecimals", R"({"NumericLessThan":{"s3:max-keys":"1.5"}})", R"({"s3:max-keys":"1.25"})", true),
      C("NumericComparesLargeIntegersExactly", R"({"NumericLessThan":{"s3:max-keys":"9007199254740993"}})",
        R"({"s3:max-keys":"9007199254740992"})", true),
      C("NumericJsonNumberPolicyValue", R"({"NumericLessThanEquals":{"s3:max-keys":10}})", R"({"s3:max-keys":"10"})",
        true),
      C("NumericNonNumericRequestValueDoesNotMatch", R"({"NumericEquals":{"s3:max-keys":"10"}})",
        R"({"s3:max-keys":"ten"})", false),
      C("NumericNotEqualsNonNumericRequestValueMatches", R"({"NumericNotEquals":{"s3:max-keys":"10"}})",
        R"({"s3:max-keys":"ten"})", true),
      C("NumericMissingKeyIsFalse", R"({"NumericLessThan":{"s3:max-keys":"10"}})", kNoContext, false),
      C("NumericNotEqualsMissingKeyIsTrue", R"({"NumericNotEquals":{"s3:max-keys":"10"}})", kNoContext, true),

      // --- Date -----------------------------------------------------------
      C("DateLessThanEarlierIsTrue", R"({"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
        R"({"aws:CurrentTime":"2019-12-31T23:59:59Z"})", true),
      C("DateLessThanLaterIsFalse", R"({"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
        R"({"aws:CurrentTime":"2020-01-01T00:00:01Z"})", false),
      C("DateLessThanSameInstantIsFalse", R"({"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
        R"({"aws:CurrentTime":"2020-01-01T00:00:00Z"})", false),
      C("DateLessThanEqualsSameInstantIsTrue", R"({"DateLessThanEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
        R"({"aws:CurrentTime":"2020-01-01T00:00:00Z"})", true),
      C("DateGreaterThanLaterIsTrue", R"({"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}})",
        R"({"aws:TokenIssueTime":"2020-06-01T00:00:00Z"})", true),
      C("DateGreaterThanEarlierIsFalse", R"({"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}})",
        R"({"aws:TokenIssueTime":"2019-06-01T00:00:00Z"})", false),
      C("DateGreaterThanEqualsSameInstantIsTrue", R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01"}})",
        R"({"aws:CurrentTime":"2020-01-01T00:00:00Z"})", true),
      C("DateEqualsAcrossTimeZones", R"({"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
        R"({"aws:CurrentTime":"2020-01-01T01:00:00+01:00"})", true),
      C("DateEqualsNegativeOffset", R"({"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00-05:00"}})",
        R"({"aws:CurrentTime":"2020-01-01T05:00:00Z"})", true),
      C("DateEqualsDateOnlyIsMidnightUtc", R"({"DateEquals":{"aws:CurrentTime":"2020-01-01"}})",
        R"({"aws:CurrentTime":"2020-01-01T00:00:00Z"})", true),
      C("DateEqualsYearMonthIsFirstDay", R"({"DateEquals":{"aws:CurrentTime":"2020-02"}})",
        R"({"aws:CurrentTime":"2020-02-01T00:00:00Z"})", true),
      C("DateEqualsMinutesOnlyMeansZeroSeconds", R"({"DateEquals":{"aws:CurrentTime":"2020-01-01T10:30Z"}})",
        R"({"aws:CurrentTime":"2020-01-01T10:30:00Z"})", true),
      C("DateEqualsFractionalSeconds", R"({"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00.500Z"}})",
        R"({"aws:CurrentTime":"2020-01-01T00:00:00.5Z"})", true),
      C("DateFractionalSecondsOrder", R"({"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00.5Z"}})",
        R"({"aws:CurrentTime":"2020-01-01T00:00:00.499Z"})", true),
      C("DateEqualsLeapDay", R"({"DateEquals":{"aws:CurrentTime":"2024-02-29"}})",
        R"({"aws:CurrentTime":"2024-02-29T00:00:00Z"})", true),
      C("DateEpochPolicyEqualsIsoRequest", R"({"DateEquals":{"aws:CurrentTime":"1577836800"}})",
        R"({"aws:CurrentTime":"2020-01-01T00:00:00Z"})", true),
      C("DateIsoPolicyEpochRequest", R"({"DateLessThan":{"aws:EpochTime":"2020-01-01T00:00:00Z"}})",
        R"({"aws:EpochTime":"1577836799"})", true),
      C("DateJsonNumberEpochPolicy", R"({"DateGreaterThan":{"aws:EpochTime":1577836800}})",
        R"({"aws:EpochTime":"1577836801"})", true),
      C("DateEpochBefore1970", R"({"DateLessThan":{"aws:CurrentTime":"1970-01-01T00:00:00Z"}})",
        R"({"aws:CurrentTime":"-1"})", true),
      C("DateNotEqualsDifferentIsTrue", R"({"DateNotEquals":{"aws:CurrentTime":"2020-01-01"}})",
        R"({"aws:CurrentTime":"2020-01-02"})", true),
      C("DateNotEqualsSameIsFalse", R"({"DateNotEquals":{"aws:CurrentTime":"2020-01-01"}})",
        R"({"aws:CurrentTime":"1577836800"})", false),
      C("DateMalformedRequestValueDoesNotMatch", R"({"DateLessThan":{"aws:CurrentTime":"2030-01-01"}})",
        R"({"aws:CurrentTime":"yesterday"})", false),
      C("DateMissingKeyIsFalse", R"({"DateLessThan":{"aws:CurrentTime":"2030-01-01"}})", kNoContext, false),
      C("DateNotEqualsMissingKeyIsTrue", R"({"DateNotEquals":{"aws:CurrentTime":"2030-01-01"}})", kNoContext, true),

      // --- Bool -----------------------------------------------------------
      C("BoolTrueMatchesTrue", R"({"Bool":{"aws:SecureTransport":"true"}})", R"({"aws:SecureTransport":"true"})", true),
      C("BoolTrueDoesNotMatchFalse", R"({"Bool":{"aws:SecureTransport":"true"}})", R"({"aws:SecureTransport":"false"})",
        false),
      C("BoolFalseMatchesFalse", R"({"Bool":{"aws:SecureTransport":"false"}})", R"({"aws:SecureTransport":"false"})",
        true),
      C("BoolRequestValueAnyCase", R"({"Bool":{"aws:SecureTransport":"true"}})", R"({"aws:SecureTransport":"TRUE"})",
        true),
      C("BoolPolicyValueAnyCase", R"({"Bool":{"aws:SecureTransport":"False"}})", R"({"aws:SecureTransport":"false"})",
        true),
      C("BoolJsonBooleanPolicyValue", R"({"Bool":{"aws:SecureTransport":true}})", R"({"aws:SecureTransport":"true"})",
        true),
      C("BoolNonBooleanRequestValueDoesNotMatch", R"({"Bool":{"aws:SecureTransport":"true"}})",
        R"({"aws:SecureTransport":"yes"})", false),
      C("BoolMissingKeyIsFalse", R"({"Bool":{"aws:MultiFactorAuthPresent":"false"}})", kNoContext, false),
      C("BoolWithPolicyVariable", R"({"Bool":{"aws:MultiFactorAuthPresent":"${aws:SecureTransport}"}})",
        R"({"aws:MultiFactorAuthPresent":"true","aws:SecureTransport":"true"})", true),
      C("BoolWithUnresolvedVariableDoesNotMatch", R"({"Bool":{"aws:MultiFactorAuthPresent":"${aws:SecureTransport}"}})",
        R"({"aws:MultiFactorAuthPresent":"true"})", false),

      // --- Binary ---------------------------------------------------------
      C("BinaryEqualsSameBytes", R"({"BinaryEquals":{"s3:x":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})",
        R"({"s3:x":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="})", true),
      C("BinaryEqualsDifferentBytes", R"({"BinaryEquals":{"s3:x":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})",
        R"({"s3:x":"QmluYXJ5VmFsdWVJbkJhc2U2NQ=="})", false),
      C("BinaryEqualsRequestNotBase64DoesNotMatch", R"({"BinaryEquals":{"s3:x":"AAEC"}})", R"({"s3:x":"not base64"})",
        false),
      C("BinaryEqualsSeveralValuesAreOred", R"({"BinaryEquals":{"s3:x":["AAAA","AAEC"]}})", R"({"s3:x":"AAEC"})", true),
      C("BinaryEqualsMissingKeyIsFalse", R"({"BinaryEquals":{"s3:x":"AAEC"}})", kNoContext, false),

      // --- IP address -----------------------------------------------------
      C("IpAddressInsideIpv4Cidr", R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
        R"({"aws:SourceIp":"203.0.113.7"})", true),
      C("IpAddressOutsideIpv4Cidr", R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
        R"({"aws:SourceIp":"203.0.114.7"})", false),
      C("IpAddressWithoutPrefixIsSlash32", R"({"IpAddress":{"aws:SourceIp":"203.0.113.7"}})",
        R"({"aws:SourceIp":"203.0.113.7"})", true),
      C("IpAddressWithoutPrefixExcludesNeighbour", R"({"IpAddress":{"aws:SourceIp":"203.0.113.7"}})",
        R"({"aws:SourceIp":"203.0.113.8"})", false),
      C("IpAddressHostBitsInPolicyIgnored", R"({"IpAddress":{"aws:SourceIp":"203.0.113.5/24"}})",
        R"({"aws:SourceIp":"203.0.113.200"})", true),
      C("IpAddressSlashZeroMatchesEveryIpv4", R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})",
        R"({"aws:SourceIp":"198.51.100.1"})", true),
      C("IpAddressOddPrefixInside", R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/9"}})",
        R"({"aws:SourceIp":"10.127.255.255"})", true),
      C("IpAddressOddPrefixOutside", R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/9"}})",
        R"({"aws:SourceIp":"10.128.0.0"})", false),
      C("IpAddressInsideIpv6Cidr", R"({"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}})",
        R"({"aws:SourceIp":"2001:db8:1234:5678:abcd::1"})", true),
      C("IpAddressOutsideIpv6Cidr", R"({"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}})",
        R"({"aws:SourceIp":"2001:db8:1234:5679::1"})", false),
      C("IpAddressIpv6FullAndCompressedFormsAgree",
        R"({"IpAddress":{"aws:SourceIp":"2001:0db8:0000:0000:0000:0000:0000:0001"}})",
        R"({"aws:SourceIp":"2001:db8::1"})", true),
      C("IpAddressIpv6Loopback", R"({"IpAddress":{"aws:SourceIp":"::1"}})", R"({"aws:SourceIp":"::1"})", true),
      C("IpAddressIpv6EmbeddedIpv4", R"({"IpAddress":{"aws:SourceIp":"64:ff9b::/96"}})",
        R"({"aws:SourceIp":"64:ff9b::192.0.2.33"})", true),
      C("IpAddressIpv6SlashZeroExcludesIpv4", R"({"IpAddress":{"aws:SourceIp":"::/0"}})",
        R"({"aws:SourceIp":"10.0.0.1"})", false),
      C("IpAddressIpv4CidrExcludesIpv6", R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})",
        R"({"aws:SourceIp":"2001:db8::1"})", false),
      C("IpAddressIpv4MappedRequestMatchesIpv4Cidr", R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
        R"({"aws:SourceIp":"::ffff:203.0.113.7"})", true),
      C("IpAddressIpv4MappedPolicyMatchesIpv4Request", R"({"IpAddress":{"aws:SourceIp":"::ffff:203.0.113.0/120"}})",
        R"({"aws:SourceIp":"203.0.113.9"})", true),
      C("IpAddressMixedFamilyList", R"({"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}})",
        R"({"aws:SourceIp":"2001:db8::5"})", true),
      C("IpAddressMalformedRequestDoesNotMatch", R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})",
        R"({"aws:SourceIp":"not-an-ip"})", false),
      C("IpAddressRequestWithPrefixDoesNotMatch", R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})",
        R"({"aws:SourceIp":"10.0.0.0/8"})", false),
      C("IpAddressMissingKeyIsFalse", R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})", kNoContext, false),
      C("NotIpAddressOutsideIsTrue", R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
        R"({"aws:SourceIp":"198.51.100.1"})", true),
      C("NotIpAddressInsideIsFalse", R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})",
        R"({"aws:SourceIp":"203.0.113.1"})", false),
      C("NotIpAddressSeveralRangesAreNored", R"({"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.0/24"]}})",
        R"({"aws:SourceIp":"203.0.113.1"})", false),
      C("NotIpAddressMissingKeyIsTrue", R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", kNoContext, true),

      // --- ARN ------------------------------------------------------------
      C("ArnEqualsExact", R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}})",
        R"({"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"})", true),
      C("ArnEqualsAcceptsWildcardsLikeArnLike",
        R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/*"}})",
        R"({"aws:PrincipalArn":"arn:aws:iam::123456789012:role/marketing"})", true),
      C("ArnLikeWildcardInResourcePart", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/team-*"}})",
        R"({"aws:PrincipalArn":"arn:aws:iam::123456789012:role/team-sales"})", true),
      C("ArnLikeWildcardAccount", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin"}})",
        R"({"aws:PrincipalArn":"arn:aws:iam::999999999999:role/admin"})", true),
      C("ArnLikeQuestionMark", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/team?"}})",
        R"({"aws:PrincipalArn":"arn:aws:iam::123456789012:role/team1"})", true),
      C("ArnLikeWildcardDoesNotCrossColons",
        R"({"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}})",
        R"({"aws:SourceArn":"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"})",
        false),
      C("StringLikeCrossesColonsWhereArnLikeDoesNot",
        R"({"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}})",
        R"({"aws:SourceArn":"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"})",
        true),
      C("ArnLikeIsCaseSensitive", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Marketing"}})",
        R"({"aws:PrincipalArn":"arn:aws:iam::123456789012:role/marketing"})", false),
      C("ArnLikeTrailingStarExpandsOverRest", R"({"ArnLike":{"aws:SourceArn":"arn:aws:s3:*"}})",
        R"({"aws:SourceArn":"arn:aws:s3:::bucket/key"})", true),
      C("ArnLikeNonArnRequestValueDoesNotMatch", R"({"ArnLike":{"aws:SourceArn":"arn:*:*:*:*:*"}})",
        R"({"aws:SourceArn":"marketing"})", false),
      C("ArnLikeSeveralValuesAreOred",
        R"({"ArnLike":{"aws:PrincipalArn":["arn:aws:iam::123456789012:role/a","arn:aws:iam::123456789012:role/b"]}})",
        R"({"aws:PrincipalArn":"arn:aws:iam::123456789012:role/b"})", true),
      C("ArnNotEqualsDifferentIsTrue",
        R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/alice"}})",
        R"({"aws:PrincipalArn":"arn:aws:iam::123456789012:user/bob"})", true),
      C("ArnNotLikeMatchingIsFalse", R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/*"}})",
        R"({"aws:PrincipalArn":"arn:aws:iam::123456789012:user/bob"})", false),
      C("ArnNotLikeMissingKeyIsTrue", R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/*"}})",
        kNoContext, true),
      C("ArnLikeMissingKeyIsFalse", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/*"}})",
        kNoContext, false),
      C("ArnLikeWithPolicyVariable",
        R"({"ArnLike":{"aws:SourceArn":"arn:aws:iam::123456789012:user/${aws:username}"}})",
        R"({"aws:username":"alice","aws:SourceArn":"arn:aws:iam::123456789012:user/alice"})", true),
      C("ArnEqualsWholeValueFromVariable", R"({"ArnEquals":{"aws:SourceArn":"${aws:PrincipalArn}"}})",
        R"({"aws:PrincipalArn":"arn:aws:iam::123456789012:role/r","aws:SourceArn":"arn:aws:iam::123456789012:role/r"})",
        true),
      C("ArnLikeVariableValueStarIsLiteral",
        R"({"ArnLike":{"aws:SourceArn":"arn:aws:iam::${aws:PrincipalTag/acct}:role/x"}})",
        R"({"aws:PrincipalTag/acct":"*","aws:SourceArn":"arn:aws:iam::999999999999:role/x"})", false),
      C("ArnLikeVariableValueColonsDoNotCreateSegments",
        R"({"ArnLike":{"aws:SourceArn":"arn:aws:${aws:PrincipalTag/s}"}})",
        R"({"aws:PrincipalTag/s":"s3:::bucket","aws:SourceArn":"arn:aws:s3:::bucket"})", false),

      // --- ...IfExists ----------------------------------------------------
      C("StringEqualsIfExistsMissingKeyIsTrue", R"({"StringEqualsIfExists":{"ec2:InstanceType":"t2.micro"}})",
        kNoContext, true),
      C("StringEqualsIfExistsPresentMismatchIsFalse", R"({"StringEqualsIfExists":{"ec2:InstanceType":"t2.micro"}})",
        R"({"ec2:InstanceType":"m5.large"})", false),
      C("StringEqualsIfExistsPresentMatchIsTrue", R"({"StringEqualsIfExists":{"ec2:InstanceType":"t2.micro"}})",
        R"({"ec2:InstanceType":"t2.micro"})", true),
      C("StringLikeIfExistsPresentMismatchIsFalse", R"({"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*"]}})",
        R"({"ec2:InstanceType":"m3.large"})", false),
      C("StringNotEqualsIfExistsMissingKeyIsTrue", R"({"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"x"}})",
        kNoContext, true),
      C("StringNotEqualsIfExistsPresentEqualIsFalse", R"({"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"x"}})",
        R"({"aws:PrincipalTag/team":"x"})", false),
      C("NumericLessThanIfExistsMissingKeyIsTrue", R"({"NumericLessThanIfExists":{"s3:max-keys":"10"}})", kNoContext,
        true),
      C("NumericLessThanIfExistsPresentIsChecked", R"({"NumericLessThanIfExists":{"s3:max-keys":"10"}})",
        R"({"s3:max-keys":"50"})", false),
      C("DateLessThanIfExistsMissingKeyIsTrue", R"({"DateLessThanIfExists":{"aws:TokenIssueTime":"2020-01-01"}})",
        kNoContext, true),
      C("BoolIfExistsMissingKeyIsTrue", R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}})", kNoContext, true),
      C("BoolIfExistsPresentFalseIsFalse", R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}})",
        R"({"aws:MultiFactorAuthPresent":"false"})", false),
      C("BinaryEqualsIfExistsMissingKeyIsTrue", R"({"BinaryEqualsIfExists":{"s3:x":"AAEC"}})", kNoContext, true),
      C("IpAddressIfExistsMissingKeyIsTrue", R"({"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}})", kNoContext,
        true),
      C("NotIpAddressIfExistsInsideIsFalse", R"({"NotIpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}})",
        R"({"aws:SourceIp":"10.1.2.3"})", false),
      C("ArnLikeIfExistsMissingKeyIsTrue", R"({"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:s3:::b"}})", kNoContext,
        true),

      // --- Null -----------------------------------------------------------
      C("NullTrueMatchesAbsentKey", R"({"Null":{"aws:TokenIssueTime":"true"}})", kNoContext, true),
      C("NullTrueDoesNotMatchPresentKey", R"({"Null":{"aws:TokenIssueTime":"true"}})",
        R"({"aws:TokenIssueTime":"2020-01-01T00:00:00Z"})", false),
      C("NullFalseMatchesPresentKey", R"({"Null":{"aws:TokenIssueTime":"false"}})",
        R"({"aws:TokenIssueTime":"2020-01-01T00:00:00Z"})", true),
      C("NullFalseDoesNotMatchAbsentKey", R"({"Null":{"aws:TokenIssueTime":"false"}})", kNoContext, false),
      C("NullTrueMatchesKeyWithNoValues", R"({"Null":{"aws:TagKeys":"true"}})", R"({"aws:TagKeys":[]})", true),
      C("NullFalseMatchesEmptyStringValue", R"({"Null":{"s3:prefix":"false"}})", R"({"s3:prefix":""})", true),
      C("NullJsonBooleanValue", R"({"Null":{"aws:TokenIssueTime":true}})", kNoContext, true),
      C("NullValueAnyCase", R"({"Null":{"aws:TokenIssueTime":"TRUE"}})", kNoContext, true),
      C("NullBothValuesAlwaysTrue", R"({"Null":{"aws:TokenIssueTime":["true","false"]}})", kNoContext, true),

      // --- ForAnyValue / ForAllValues ------------------------------------
      C("ForAnyValueOneRequestValueInPolicyIsTrue",
        R"({"ForAnyValue:StringEquals":{"dynamodb:Attributes":["ID","PostDateTime"]}})",
        R"({"dynamodb:Attributes":["UserName","PostDateTime"]})", true),
      C("ForAnyValueNoRequestValueInPolicyIsFalse",
        R"({"ForAnyValue:StringEquals":{"dynamodb:Attributes":["ID","PostDateTime"]}})",
        R"({"dynamodb:Attributes":["UserName"]})", false),
      C("ForAnyValueMissingKeyIsFalse", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}})", kNoContext, false),
      C("ForAnyValueEmptyRequestSetIsFalse", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}})",
        R"({"aws:TagKeys":[]})", false),
      C("ForAnyValueStringLike", R"({"ForAnyValue:StringLike":{"aws:TagKeys":"Created*"}})",
        R"({"aws:TagKeys":["x","CreatedBy"]})", true),
      C("ForAnyValueNumericGreaterThan", R"({"ForAnyValue:NumericGreaterThan":{"s3:x":"5"}})", R"({"s3:x":["1","7"]})",
        true),
      C("ForAnyValueStringNotEqualsSomeOutsideIsTrue", R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}})",
        R"({"aws:TagKeys":["a","c"]})", true),
      C("ForAnyValueStringNotEqualsAllInsideIsFalse", R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}})",
        R"({"aws:TagKeys":["a","b"]})", false),
      C("ForAnyValueNegatedMissingKeyIsFalse", R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":"a"}})", kNoContext,
        false),
      C("ForAnyValueIfExistsMissingKeyIsTrue", R"({"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"a"}})",
        kNoContext, true),
      C("ForAllValuesEveryRequestValueInPolicyIsTrue",
        R"({"ForAllValues:StringEquals":{"dynamodb:Attributes":["PostDateTime","Message","Tags"]}})",
        R"({"dynamodb:Attributes":["Message","Tags"]})", true),
      C("ForAllValuesOneRequestValueOutsideIsFalse",
        R"({"ForAllValues:StringEquals":{"dynamodb:Attributes":["PostDateTime","Message","Tags"]}})",
        R"({"dynamodb:Attributes":["PostDateTime","UserName"]})", false),
      C("ForAllValuesMissingKeyIsTrue", R"({"ForAllValues:StringEquals":{"aws:TagKeys":"a"}})", kNoContext, true),
      C("ForAllValuesEmptyRequestSetIsTrue", R"({"ForAllValues:StringEquals":{"aws:TagKeys":"a"}})",
        R"({"aws:TagKeys":[]})", true),
      C("ForAllValuesSingleRequestValue", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})",
        R"({"aws:TagKeys":"b"})", true),
      C("ForAllValuesStringLikeEveryValue", R"({"ForAllValues:StringLike":{"aws:TagKeys":"Created*"}})",
        R"({"aws:TagKeys":["CreatedBy","CreatedAt"]})", true),
      C("ForAllValuesStringNotLikeAllOutsideIsTrue", R"({"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}})",
        R"({"aws:TagKeys":["key2:audit"]})", true),
      C("ForAllValuesStringNotLikeOneInsideIsFalse", R"({"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}})",
        R"({"aws:TagKeys":["key1:legal"]})", false),
      C("ForAllValuesStringNotLikeMixedIsFalse", R"({"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}})",
        R"({"aws:TagKeys":["key1:hr","key2:x"]})", false),
      C("ForAllValuesNegatedMissingKeyIsTrue", R"({"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}})", kNoContext,
        true),
      C("ForAllValuesIfExistsPresentMismatchIsFalse", R"({"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":"a"}})",
        R"({"aws:TagKeys":["a","z"]})", false),
      C("ForAllValuesIpAddress", R"({"ForAllValues:IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})",
        R"({"aws:SourceIp":["10.1.1.1","10.2.2.2"]})", true),
      C("ForAllValuesArnLikeOneOutsideIsFalse",
        R"({"ForAllValues:ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/*"}})",
        R"({"aws:PrincipalArn":["arn:aws:iam::123456789012:role/a","arn:aws:iam::123456789012:user/b"]})", false),

      // --- Several keys and operators -------------------------------------
      C("KeysInOneOperatorAreAnded",
        R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/department":["finance","hr"],"aws:PrincipalTag/role":["audit","security"]}})",
        R"({"aws:PrincipalTag/department":"HR","aws:PrincipalTag/role":"audit"})", true),
      C("KeysInOneOperatorAllMustHold",
        R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/department":["finance","hr"],"aws:PrincipalTag/role":["audit","security"]}})",
        R"({"aws:PrincipalTag/department":"HR","aws:PrincipalTag/role":"dev"})", false),
      C("OperatorsAreAnded",
        R"({"StringEquals":{"aws:PrincipalAccount":"123456789012"},"Bool":{"aws:SecureTransport":"true"}})",
        R"({"aws:PrincipalAccount":"123456789012","aws:SecureTransport":"true"})", true),
      C("OperatorsAllMustHold",
        R"({"StringEquals":{"aws:PrincipalAccount":"123456789012"},"Bool":{"aws:SecureTransport":"true"}})",
        R"({"aws:PrincipalAccount":"123456789012","aws:SecureTransport":"false"})", false),
      C("EmptyConditionAlwaysHolds", "{}", kNoContext, true),

      // --- Policy variables in condition values ---------------------------
      C("VariableUsernameInValue", R"({"StringEquals":{"s3:prefix":"home/${aws:username}"}})",
        R"({"aws:username":"alice","s3:prefix":"home/alice"})", true),
      C("VariableUsernameOtherUser", R"({"StringEquals":{"s3:prefix":"home/${aws:username}"}})",
        R"({"aws:username":"bob","s3:prefix":"home/alice"})", false),
      C("VariablePrincipalTagMatchesResourceTag",
        R"({"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}})",
        R"({"aws:PrincipalTag/team":"sales","aws:ResourceTag/team":"sales"})", true),
      C("VariablePrincipalTagMismatch", R"({"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}})",
        R"({"aws:PrincipalTag/team":"sales","aws:ResourceTag/team":"marketing"})", false),
      C("VariableWithoutValueDoesNotMatch", R"({"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}})",
        R"({"aws:ResourceTag/team":""})", false),
      C("VariableWithoutValueMatchesNegatedOperator",
        R"({"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}})",
        R"({"s3:ExistingObjectTag/Team":"blue"})", true),
      C("VariableWithoutValueLeavesOtherValues", R"({"StringEquals":{"s3:prefix":["${aws:username}","public"]}})",
        R"({"s3:prefix":"public"})", true),
      C("VariableDefaultUsedWhenKeyMissing",
        R"({"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'company-wide'}"}})",
        R"({"aws:ResourceTag/team":"company-wide"})", true),
      C("VariableDefaultIgnoredWhenKeyPresent",
        R"({"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'company-wide'}"}})",
        R"({"aws:PrincipalTag/team":"sales","aws:ResourceTag/team":"company-wide"})", false),
      C("VariableDefaultWithoutSpaces", R"({"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team,'x'}"}})",
        R"({"aws:ResourceTag/team":"x"})", true),
      C("VariableDefaultIsLiteralNotWildcard", R"({"StringLike":{"s3:prefix":"${aws:PrincipalTag/p, '*'}"}})",
        R"({"s3:prefix":"anything"})", false),
      C("VariableNameIsCaseInsensitive", R"({"StringEquals":{"s3:prefix":"${AWS:UserName}"}})",
        R"({"aws:username":"alice","s3:prefix":"alice"})", true),
      C("VariableMultivaluedKeyHasNoValue", R"({"StringEquals":{"s3:prefix":"${aws:TagKeys}"}})",
        R"({"aws:TagKeys":["a","b"],"s3:prefix":"a"})", false),
      C("VariableEmptyStringResolves", R"({"StringEquals":{"s3:prefix":"home/${aws:username}"}})",
        R"({"aws:username":"","s3:prefix":"home/"})", true),
      C("VariableSourceIdentity", R"({"StringEquals":{"aws:ResourceTag/owner":"${aws:SourceIdentity}"}})",
        R"({"aws:SourceIdentity":"david","aws:ResourceTag/owner":"david"})", true),
      C("VariableInStringEqualsIgnoreCase", R"({"StringEqualsIgnoreCase":{"s3:prefix":"${aws:username}"}})",
        R"({"aws:username":"ALICE","s3:prefix":"alice"})", true),
      C("VariableInStringLikeKeepsPolicyWildcards", R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})",
        R"({"aws:username":"alice","s3:prefix":"home/alice/docs/a.txt"})", true),
      C("VariableValueStarIsLiteralInStringLike", R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})",
        R"({"aws:username":"*","s3:prefix":"home/bob/x"})", false),
      C("VariableValueStarMatchesLiteralStar", R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})",
        R"({"aws:username":"*","s3:prefix":"home/*/x"})", true),
      C("EscapeStarInStringEquals", R"({"StringEquals":{"s3:prefix":"a${*}b"}})", R"({"s3:prefix":"a*b"})", true),
      C("EscapeStarIsLiteralInStringLike", R"({"StringLike":{"s3:prefix":"a${*}b"}})", R"({"s3:prefix":"axb"})", false),
      C("EscapeStarMatchesStarInStringLike", R"({"StringLike":{"s3:prefix":"a${*}b"}})", R"({"s3:prefix":"a*b"})",
        true),
      C("EscapeQuestionIsLiteralInStringLike", R"({"StringLike":{"s3:prefix":"a${?}"}})", R"({"s3:prefix":"ab"})",
        false),
      C("EscapeQuestionMatchesQuestionMark", R"({"StringLike":{"s3:prefix":"a${?}"}})", R"({"s3:prefix":"a?"})", true),
      C("EscapeDollarWritesLiteralVariableSyntax", R"({"StringEquals":{"s3:prefix":"${$}{x}"}})",
        R"({"s3:prefix":"${x}"})", true),
      C2008("Version2008VariablesAreLiteral", R"({"StringEquals":{"s3:prefix":"${aws:username}"}})",
            R"({"aws:username":"alice","s3:prefix":"${aws:username}"})", true),
      C2008("Version2008DoesNotSubstitute", R"({"StringEquals":{"s3:prefix":"${aws:username}"}})",
            R"({"aws:username":"alice","s3:prefix":"alice"})", false),

      // --- EMR runtime-role keys ------------------------------------------
      C("ExecutionRoleArnStringLikeList",
        R"({"StringLike":{"elasticmapreduce:ExecutionRoleArn":["arn:aws:iam::123456789012:role/marketing-data-access-role","arn:aws:iam::123456789012:role/sales-data-access-role"]}})",
        R"({"elasticmapreduce:ExecutionRoleArn":"arn:aws:iam::123456789012:role/sales-data-access-role"})", true),
      C("ExecutionRoleArnOtherRole",
        R"({"StringLike":{"elasticmapreduce:ExecutionRoleArn":"arn:aws:iam::123456789012:role/marketing-data-access-role"}})",
        R"({"elasticmapreduce:ExecutionRoleArn":"arn:aws:iam::123456789012:role/marketing-data-access-role-2"})",
        false),
      C("ClusterResourceTagMatches", R"({"StringEquals":{"elasticmapreduce:ResourceTag/team":"sales"}})",
        R"({"elasticmapreduce:ResourceTag/team":"sales"})", true),
      C("SourceIdentityKey", R"({"StringEquals":{"sts:SourceIdentity":"${aws:username}"}})",
        R"({"aws:username":"tina","sts:SourceIdentity":"tina"})", true),
  };
}

// Test names, not bytes, in gtest's output.
void PrintTo(const ConditionCase& c, std::ostream* os) { *os << c.name; }

class PolicyCondition : public ::testing::TestWithParam<ConditionCase> {};

TEST_P(PolicyCondition, Rule) {
  const ConditionCase& c = GetParam();
  std::string doc = R"({"Version":")" + c.version +
                    R"(","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":)" +
                    c.condition + "}]}";
  auto policy = Policy::Parse(doc);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  Request request;
  request.principal = "arn:aws:iam::123456789012:user/alice";
  request.action = "s3:GetObject";
  request.resource = "arn:aws:s3:::bucket/key";
  request.context = MakeContext(c.context);
  std::vector<StatementMatch> matches = policy->Evaluate(request);
  EXPECT_EQ(!matches.empty(), c.applies) << c.condition << " with " << c.context;
}

INSTANTIATE_TEST_SUITE_P(Operators, PolicyCondition, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<ConditionCase>& info) { return info.param.name; });

// The value readers behind the operators.

TEST(ConditionValues, DatesInBothFormsAgree) {
  EXPECT_EQ(internal::ParseDate("2020-01-01T00:00:00Z"), internal::ParseDate("1577836800"));
  EXPECT_EQ(internal::ParseDate("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(internal::ParseDate("1970-01-01T00:00:01.000001Z"), 1000001);
  EXPECT_EQ(internal::ParseDate("2000-03-01T00:00:00+0130"), internal::ParseDate("2000-02-29T22:30:00Z"));
  EXPECT_FALSE(internal::ParseDate("2020-1-1").has_value());
  EXPECT_FALSE(internal::ParseDate("1.").has_value());
}

TEST(ConditionValues, IpNetworksNormalize) {
  auto mapped = internal::ParseIpNetwork("::ffff:1.2.3.4", false);
  ASSERT_TRUE(mapped.has_value());
  EXPECT_FALSE(mapped->v6);
  EXPECT_EQ(mapped->prefix, 32);
  auto v6 = internal::ParseIpNetwork("1:2:3:4:5:6:7:8", false);
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->v6);
  EXPECT_EQ(v6->bytes[15], 8);
  EXPECT_FALSE(internal::ParseIpNetwork("1:2:3:4:5:6:7:8::", false).has_value());
  EXPECT_FALSE(internal::ParseIpNetwork(":1::", false).has_value());
  EXPECT_FALSE(internal::ParseIpNetwork("fe80::1%eth0", false).has_value());
  EXPECT_FALSE(internal::ParseIpNetwork("1.2.3.4/24", false).has_value());
}

TEST(ConditionValues, Base64IsStrict) {
  EXPECT_EQ(internal::DecodeBase64("QUJD"), "ABC");
  EXPECT_EQ(internal::DecodeBase64("QUI="), "AB");
  EXPECT_EQ(internal::DecodeBase64("QQ=="), "A");
  EXPECT_FALSE(internal::DecodeBase64("QR==").has_value());  // non-canonical trailing bits
  EXPECT_FALSE(internal::DecodeBase64("Q===").has_value());
}

TEST(ConditionValues, NumbersKeepIntegersExact) {
  auto n = internal::ParseNumber("9223372036854775807");
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE(n->is_integer);
  auto big = internal::ParseNumber("92233720368547758070");
  ASSERT_TRUE(big.has_value());
  EXPECT_FALSE(big->is_integer);
  EXPECT_FALSE(internal::ParseNumber("1,000").has_value());
  EXPECT_FALSE(internal::ParseNumber("inf").has_value());
  EXPECT_TRUE(internal::ParseNumber(".5").has_value());
}

TEST(ContextKeys, LookupIgnoresCaseAndKeepsValues) {
  Context context{{"aws:PrincipalTag/Team", {"sales"}}, {"aws:TagKeys", {"a", "b"}}};
  ASSERT_NE(context.Find("AWS:PRINCIPALTAG/TEAM"), nullptr);
  EXPECT_EQ(context.Find("aws:principaltag/team")->front(), "sales");
  EXPECT_EQ(context.Find("aws:tagkeys")->size(), 2u);
  EXPECT_EQ(context.Find("aws:username"), nullptr);
  context.Add("AWS:TagKeys", "c");
  EXPECT_EQ(context.Find("aws:TagKeys")->size(), 3u);
  context.Set("aws:tagkeys", "only");
  EXPECT_EQ(context.Find("aws:TagKeys")->size(), 1u);
  EXPECT_TRUE(context.Erase("AWS:TAGKEYS"));
  EXPECT_FALSE(context.Erase("aws:tagkeys"));
  EXPECT_EQ(context.size(), 1u);
}

}  // namespace
}  // namespace weir::iam
