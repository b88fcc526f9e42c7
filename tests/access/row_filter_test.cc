#include "access/row_filter.h"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "catalog/catalog.h"

namespace weir::access {

// Failure messages show trees as their canonical SQL.
void PrintTo(const FilterExpr& expr, std::ostream* os) { *os << RowFilterToSql(expr); }
void PrintTo(const FilterLiteral& literal, std::ostream* os) {
  *os << static_cast<int>(literal.kind) << ":" << literal.text;
}

namespace {

using Kind = FilterExpr::Kind;
using LiteralKind = FilterLiteral::Kind;

// The text after the last " at position ", or "" when there is none.
std::string PositionOf(const std::string& message) {
  const std::string marker = " at position ";
  const size_t at = message.rfind(marker);
  return at == std::string::npos ? "" : message.substr(at + marker.size());
}

// Names each parameterized case after the rule it pins.
struct CaseName {
  template <typename T>
  std::string operator()(const ::testing::TestParamInfo<T>& param_info) const {
    return param_info.param.name;
  }
};

// ---------------------------------------------------------------------------
// Accepted expressions: each parses, prints as `sql`, and the printed form
// parses back to an equal tree that prints the same.

struct AcceptCase {
  const char* name;
  const char* text;
  const char* sql;
};

std::ostream& operator<<(std::ostream& os, const AcceptCase& c) { return os << c.name; }

const AcceptCase kAcceptCases[] = {
    // Every comparison operator.
    {"CompareEquals", "a = 1", R"(("a" = 1))"},
    {"CompareNotEqualsAngle", "a <> 1", R"(("a" <> 1))"},
    {"CompareBangEqualsNormalized", "a != 1", R"(("a" <> 1))"},
    {"CompareLess", "a < 1", R"(("a" < 1))"},
    {"CompareLessOrEqual", "a <= 1", R"(("a" <= 1))"},
    {"CompareGreater", "a > 1", R"(("a" > 1))"},
    {"CompareGreaterOrEqual", "a >= 1", R"(("a" >= 1))"},
    {"CompareWithoutSpaces", "a>=1", R"(("a" >= 1))"},
    {"CompareBangEqualsWithoutSpaces", "a!='x'", R"(("a" <> 'x'))"},
    {"CompareString", "country = 'US'", R"(("country" = 'US'))"},
    {"CompareTrue", "active = true", R"(("active" = TRUE))"},
    {"CompareFalseUpperCase", "active = FALSE", R"(("active" = FALSE))"},
    {"CompareBooleanMixedCase", "active <> TrUe", R"(("active" <> TRUE))"},
    // BETWEEN, IN, LIKE, IS NULL and their negations.
    {"Between", "year between 2000 and 2010", R"(("year" BETWEEN 2000 AND 2010))"},
    {"NotBetween", "year NOT BETWEEN 2000 AND 2010", R"(("year" NOT BETWEEN 2000 AND 2010))"},
    {"BetweenStrings", "name between 'a' and 'm'", R"(("name" BETWEEN 'a' AND 'm'))"},
    {"BetweenNegativeBounds", "t between -10 and -1", R"(("t" BETWEEN -10 AND -1))"},
    {"BetweenThenAnd", "a between 1 and 2 and b = 3", R"((("a" BETWEEN 1 AND 2) AND ("b" = 3)))"},
    {"InSingleValue", "a in (1)", R"(("a" IN (1)))"},
    {"InManyValues", "a IN (1, 2, 3)", R"(("a" IN (1, 2, 3)))"},
    {"InWithoutSpaces", "a in(1,2)", R"(("a" IN (1, 2)))"},
    {"NotInStrings", "c NOT IN ('US', 'UK')", R"(("c" NOT IN ('US', 'UK')))"},
    {"InMixedLiteralsParse", "a in ('x', 1, true)", R"(("a" IN ('x', 1, TRUE)))"},
    {"Like", "name LIKE 'a%'", R"(("name" LIKE 'a%'))"},
    {"NotLike", "name not like '%z'", R"(("name" NOT LIKE '%z'))"},
    {"LikeUnderscoreWildcard", "name LIKE 'a_c'", R"(("name" LIKE 'a_c'))"},
    {"LikePatternWithQuote", "name LIKE '%''s'", R"(("name" LIKE '%''s'))"},
    {"IsNull", "a IS NULL", R"(("a" IS NULL))"},
    {"IsNotNull", "a IS NOT NULL", R"(("a" IS NOT NULL))"},
    {"IsNullLowerCase", "a is null", R"(("a" IS NULL))"},
    // NOT, AND, OR: precedence, flattening, parentheses.
    {"NotPrefix", "NOT a = 1", R"((NOT ("a" = 1)))"},
    {"DoubleNotKept", "NOT NOT a = 1", R"((NOT (NOT ("a" = 1))))"},
    {"NotOfParenthesizedOr", "not (a = 1 or b = 2)", R"((NOT (("a" = 1) OR ("b" = 2))))"},
    {"NotBindsTighterThanAnd", "NOT a = 1 AND b = 2", R"(((NOT ("a" = 1)) AND ("b" = 2)))"},
    {"NotInsideAnd", "a = 1 AND NOT b = 2", R"((("a" = 1) AND (NOT ("b" = 2))))"},
    {"AndTwo", "a = 1 AND b = 2", R"((("a" = 1) AND ("b" = 2)))"},
    {"OrTwo", "a = 1 OR b = 2", R"((("a" = 1) OR ("b" = 2)))"},
    {"AndChainFlattened", "a = 1 AND b = 2 AND c = 3", R"((("a" = 1) AND ("b" = 2) AND ("c" = 3)))"},
    {"AndFlattenedThroughParens", "a = 1 AND (b = 2 AND c = 3)", R"((("a" = 1) AND ("b" = 2) AND ("c" = 3)))"},
    {"OrFlattenedThroughParens", "(a = 1 OR b = 2) OR c = 3", R"((("a" = 1) OR ("b" = 2) OR ("c" = 3)))"},
    {"AndBindsTighterThanOr", "a = 1 OR b = 2 AND c = 3", R"((("a" = 1) OR (("b" = 2) AND ("c" = 3))))"},
    {"ParensOverridePrecedence", "(a = 1 OR b = 2) AND c = 3", R"(((("a" = 1) OR ("b" = 2)) AND ("c" = 3)))"},
    {"RedundantParens", "((a = 1))", R"(("a" = 1))"},
    // The examples in the Lake Formation documentation.
    {"LfDocYearAndCountry", "year > 2010 and country != 'US'", R"((("year" > 2010) AND ("country" <> 'US')))"},
    {"LfDocOrOfAnds", "(year > 2010 and country = 'US') or (month < 8 and id > 23)",
     R"(((("year" > 2010) AND ("country" = 'US')) OR (("month" < 8) AND ("id" > 23))))"},
    {"LfDocBetween", "(country between 'Z' and 'U') and (year = 2018)",
     R"((("country" BETWEEN 'Z' AND 'U') AND ("year" = 2018)))"},
    {"LfDocLike", "(country like '%ited%') and (year > 2000)", R"((("country" LIKE '%ited%') AND ("year" > 2000)))"},
    {"LfDocNoSpaces", "product_type='pharma'", R"(("product_type" = 'pharma'))"},
    // Identifiers.
    {"QuotedIdentifier", R"("Mixed Case" = 'x')", R"(("Mixed Case" = 'x'))"},
    {"QuotedIdentifierEscapedQuote", R"("say ""hi""" = 1)", R"(("say ""hi""" = 1))"},
    {"QuotedKeywordSelect", R"("select" = 'x')", R"(("select" = 'x'))"},
    {"QuotedKeywordIn", R"("in" IN (1))", R"(("in" IN (1)))"},
    {"QuotedIdentifierWithDot", R"("a.b" = 1)", R"(("a.b" = 1))"},
    {"BareIdentifierKeepsCase", "YEAR = 1", R"(("YEAR" = 1))"},
    {"UnderscoreIdentifier", "_c1 = 1", R"(("_c1" = 1))"},
    {"IdentifierWithDigits", "col_2024 = 1", R"(("col_2024" = 1))"},
    {"NonReservedWordsAreColumns", "date = 'x' and value = 1 and timestamp = 'y'",
     R"((("date" = 'x') AND ("value" = 1) AND ("timestamp" = 'y')))"},
    {"KeywordPrefixIsIdentifier", "order_id = 1 and notes = 'x' and island = 'y' and isbn = 'z'",
     R"((("order_id" = 1) AND ("notes" = 'x') AND ("island" = 'y') AND ("isbn" = 'z')))"},
    // Keywords in any case.
    {"KeywordsUpperCase", "A = 1 AND B IS NOT NULL OR C IN (1)",
     R"(((("A" = 1) AND ("B" IS NOT NULL)) OR ("C" IN (1))))"},
    {"KeywordsMixedCase", "a BeTwEeN 1 aNd 2 Or b NoT iN (3) oR c LiKe 'x' AnD d Is NuLl",
     R"((("a" BETWEEN 1 AND 2) OR ("b" NOT IN (3)) OR (("c" LIKE 'x') AND ("d" IS NULL))))"},
    // String literals.
    {"StringEscapedQuote", "name = 'O''Brien'", R"(("name" = 'O''Brien'))"},
    {"StringOnlyAQuote", "name = ''''", R"(("name" = ''''))"},
    {"StringEmpty", "name = ''", R"(("name" = ''))"},
    {"StringKeepsCaseAndSpaces", "name = '  Mixed Case  '", R"(("name" = '  Mixed Case  '))"},
    {"StringWithDoubleQuotes", R"(name = 'say "hi"')", R"(("name" = 'say "hi"'))"},
    {"StringWithUnicode", "name = 'Zürich ✓'", R"(("name" = 'Zürich ✓'))"},
    {"StringWithKeywordsInside", "name = 'a AND b OR NOT c'", R"(("name" = 'a AND b OR NOT c'))"},
    {"StringBackslashIsLiteral", R"(path = 'C:\dir\')", R"(("path" = 'C:\dir\'))"},
    {"StringWithNewline", "name = 'a\nb'", "(\"name\" = 'a\nb')"},
    // Numbers, kept as written.
    {"NumberNegative", "a > -5", R"(("a" > -5))"},
    {"NumberDecimal", "price <= 19.99", R"(("price" <= 19.99))"},
    {"NumberNegativeDecimal", "a = -0.5", R"(("a" = -0.5))"},
    {"NumberExponent", "a < 1e10", R"(("a" < 1e10))"},
    {"NumberExponentUpperCaseNegative", "a < 2.5E-3", R"(("a" < 2.5E-3))"},
    {"NumberExponentPlus", "a < -1e+3", R"(("a" < -1e+3))"},
    {"NumberLeadingZeros", "a = 007", R"(("a" = 007))"},
    {"NumberHugeInteger", "a = 170141183460469231731687303715884105727",
     R"(("a" = 170141183460469231731687303715884105727))"},
    // Whitespace.
    {"WhitespaceTabsAndNewlines", "\ta\n=\r\n1 ", R"(("a" = 1))"},
};

class RowFilterAccept : public ::testing::TestWithParam<AcceptCase> {};

TEST_P(RowFilterAccept, ParsesPrintsAndRoundTrips) {
  const AcceptCase& c = GetParam();
  Result<FilterExpr> parsed = ParseRowFilter(c.text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const std::string sql = RowFilterToSql(*parsed);
  EXPECT_EQ(sql, c.sql);
  Result<FilterExpr> reparsed = ParseRowFilter(sql);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status().message();
  EXPECT_EQ(*reparsed, *parsed);
  EXPECT_EQ(RowFilterToSql(*reparsed), sql);
}

INSTANTIATE_TEST_SUITE_P(RowFilter, RowFilterAccept, ::testing::ValuesIn(kAcceptCases), CaseName());

// ---------------------------------------------------------------------------
// Refused expressions: kInvalidArgument, "row filter: ..." naming the problem,
// ending with the 1-based character position of the offending token.

struct RejectCase {
  const char* name;
  const char* text;
  int position;
  const char* message;  // a substring of the error
};

std::ostream& operator<<(std::ostream& os, const RejectCase& c) { return os << c.name; }

const RejectCase kRejectCases[] = {
    // Empty or incomplete.
    {"EmptyText", "", 1, "empty"},
    {"WhitespaceOnly", "   ", 4, "empty"},
    {"ColumnOnly", "a", 2, "expected an operator after column \"a\""},
    {"MissingConstantAtEnd", "i_category = ", 14, "expected a constant after '='"},
    {"MissingConstantBeforeAnd", "a = AND b = 1", 5, "expected a constant after '='"},
    {"DanglingAnd", "a = 1 AND", 10, "expected a column name"},
    {"DanglingOr", "a = 1 OR", 9, "expected a column name"},
    {"DanglingNot", "NOT", 4, "expected a column name"},
    {"LeadingAnd", "AND a = 1", 1, "found keyword AND"},
    {"DoubleAnd", "a = 1 AND AND b = 2", 11, "found keyword AND"},
    // Functions, column comparisons, subqueries, arithmetic.
    {"FunctionOnColumn", "lower(name) = 'x'", 1, "functions are not supported"},
    {"FunctionWithSpaceBeforeParen", "upper (name) = 'X'", 1, "functions are not supported"},
    {"FunctionAsConstant", "d = current_date()", 5, "functions are not supported"},
    {"ColumnToColumn", "a > b", 5, "comparing two columns is not supported"},
    {"ColumnToQuotedColumn", "country = \"US\"", 11, "comparing two columns is not supported"},
    {"ColumnToColumnInList", "a IN (1, b)", 10, "comparing two columns is not supported"},
    {"ColumnToColumnInBetween", "a BETWEEN b AND 2", 11, "comparing two columns is not supported"},
    {"TypedLiteralKeyword", "d = DATE '2024-01-01'", 5, "expected a constant after '='"},
    {"SubqueryInParens", "(SELECT 1)", 2, "subqueries are not supported"},
    {"SubqueryInInList", "a IN (SELECT id FROM t)", 7, "subqueries are not supported"},
    {"SubqueryAsConstant", "a = (SELECT 1)", 6, "subqueries are not supported"},
    {"SelectStatement", "SELECT * FROM t", 1, "subqueries are not supported"},
    {"ArithmeticOnColumn", "a + 1 = 2", 3, "arithmetic"},
    {"ArithmeticOnConstant", "a = 1 + 2", 7, "arithmetic"},
    {"ArithmeticMinusWithoutSpaces", "a = 5-3", 6, "arithmetic"},
    {"ArithmeticMultiply", "a * 2 > 3", 3, "arithmetic"},
    {"ArithmeticInBetweenBound", "a BETWEEN 1 + 1 AND 3", 13, "arithmetic"},
    {"Concatenation", "a = 'x' || 'y'", 9, "'||'"},
    {"UnaryPlus", "a = +1", 5, "expected a constant after '='"},
    // NULL is only for IS [NOT] NULL.
    {"NullAsConstant", "a = NULL", 5, "use IS NULL or IS NOT NULL"},
    {"NullInInList", "a IN (1, null)", 10, "use IS NULL or IS NOT NULL"},
    {"NullAsBetweenBound", "a BETWEEN NULL AND 1", 11, "use IS NULL or IS NOT NULL"},
    {"NullOnTheLeft", "NULL IS NULL", 1, "expected a column name"},
    {"IsWithoutNull", "a IS 5", 6, "expected NULL after IS"},
    {"IsNotWithoutNull", "a IS NOT TRUE", 10, "expected NULL after IS NOT"},
    // Operators in the wrong place.
    {"ConstantOnTheLeft", "1 = a", 1, "the column goes first"},
    {"StringOnTheLeft", "'US' = country", 1, "the column goes first"},
    {"BooleanOnTheLeft", "true = a", 1, "expected a column name"},
    {"KeywordAsBareColumn", "in = 1", 1, "must be double-quoted"},
    {"DoubleEquals", "a == 1", 4, "expected a constant after '='"},
    {"BangAlone", "a ! 1", 3, "unexpected character '!'"},
    {"NotBeforeOperator", "a NOT = 1", 7, "expected BETWEEN, IN or LIKE after NOT"},
    {"BetweenMissingAnd", "a BETWEEN 1 OR 2", 13, "expected AND between the bounds of BETWEEN"},
    {"LikeNumberPattern", "a LIKE 5", 8, "LIKE needs a string pattern"},
    {"LikeEscapeClause", "a LIKE 'x' ESCAPE '!'", 12, "expected AND, OR or the end of the filter"},
    // IN lists.
    {"EmptyInList", "a IN ()", 7, "empty IN list"},
    {"InWithoutParens", "a IN 1", 6, "expected '(' after IN"},
    {"InTrailingComma", "a IN (1,)", 9, "expected a constant after ','"},
    {"InMissingClose", "a IN (1, 2", 11, "missing ')' to close the IN list"},
    {"InMissingComma", "a IN (1 2)", 9, "expected ',' or ')' in the IN list"},
    // Parentheses and trailing input.
    {"UnbalancedCloseParen", "a = 1)", 6, "unbalanced ')'"},
    {"MissingCloseParen", "(a = 1", 7, "missing ')'"},
    {"EmptyParens", "()", 2, "empty parentheses"},
    {"JuxtaposedPredicatesInParens", "(a = 1 b = 2)", 8, "expected AND, OR or ')'"},
    {"TrailingIdentifier", "a = 1 b", 7, "expected AND, OR or the end of the filter"},
    {"TrailingConstant", "a = 'x' 'y'", 9, "expected AND, OR or the end of the filter"},
    {"TrailingSemicolon", "a = 1;", 6, "unexpected character ';'"},
    {"StatementInjection", "a = 1; DROP TABLE t", 6, "unexpected character ';'"},
    // Quoting.
    {"UnterminatedString", "a = 'abc", 5, "unterminated string"},
    {"UnterminatedStringAfterEscapedQuote", "a = 'abc''", 5, "unterminated string"},
    {"UnterminatedQuotedIdentifier", "\"abc = 1", 1, "unterminated quoted identifier"},
    {"EmptyQuotedIdentifier", "\"\" = 1", 1, "empty quoted identifier"},
    // Numbers.
    {"NumberTwoDots", "a = 1.2.3", 5, "malformed number '1.2.3'"},
    {"NumberTrailingDot", "a = 1.", 5, "malformed number"},
    {"NumberLeadingDot", "a = .5", 5, "expected a constant after '='"},
    {"NumberExponentWithoutDigits", "a = 1e", 5, "malformed number"},
    {"NumberFollowedByLetters", "a = 10abc", 5, "malformed number '10abc'"},
    {"NumberHex", "a = 0x1F", 5, "malformed number"},
    {"NumberOutOfRange", "a = 1e999", 5, "out of range"},
    // Characters outside the subset.
    {"NestedFieldReference", "customer.id <> 1", 1, "nested field references are not supported"},
    {"ArraySubscript", "tags[1] = 'x'", 5, "unexpected character '['"},
    {"LineComment", "a = 1 -- why", 7, "comments are not supported"},
    {"BlockComment", "a = 1 /* why */", 7, "comments are not supported"},
    {"QuestionMarkParameter", "a = ?", 5, "unexpected character '?'"},
    {"DollarParameter", "a = $1", 5, "unexpected character '$'"},
    {"NonAsciiBareIdentifier", "café = 1", 4, "unexpected character 'é'"},
    {"PositionCountsCharactersNotBytes", "name = 'é✓' AND x", 18, "expected an operator after column \"x\""},
    {"InvalidUtf8", "a = '\xff'", 6, "invalid UTF-8"},
    {"ControlCharacter", "a = 1\x01", 6, "control character"},
};

class RowFilterReject : public ::testing::TestWithParam<RejectCase> {};

TEST_P(RowFilterReject, RefusesWithPosition) {
  const RejectCase& c = GetParam();
  Result<FilterExpr> parsed = ParseRowFilter(c.text);
  ASSERT_FALSE(parsed.ok()) << RowFilterToSql(*parsed);
  const Status& status = parsed.status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().rfind("row filter: ", 0), 0u) << status.message();
  EXPECT_EQ(PositionOf(status.message()), std::to_string(c.position)) << status.message();
  EXPECT_NE(status.message().find(c.message), std::string::npos) << status.message();
}

INSTANTIATE_TEST_SUITE_P(RowFilter, RowFilterReject, ::testing::ValuesIn(kRejectCases), CaseName());

// ---------------------------------------------------------------------------
// Parser limits and tree shape.

TEST(RowFilterParse, LengthBelowLimitAccepted) {
  const std::string text = "a = '" + std::string(kMaxRowFilterLength - 7, 'x') + "'";
  ASSERT_EQ(text.size(), kMaxRowFilterLength - 1);
  EXPECT_TRUE(ParseRowFilter(text).ok());
}

TEST(RowFilterParse, LengthAtLimitRefused) {
  const std::string text = "a = '" + std::string(kMaxRowFilterLength - 6, 'x') + "'";
  ASSERT_EQ(text.size(), kMaxRowFilterLength);
  Result<FilterExpr> parsed = ParseRowFilter(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("shorter than 2048 characters"), std::string::npos);
  EXPECT_EQ(PositionOf(parsed.status().message()), "2048");
}

TEST(RowFilterParse, LengthLimitCountsCharactersNotBytes) {
  std::string text = "a = '";
  for (size_t i = 0; i < kMaxRowFilterLength - 7; ++i) text += "é";
  text += "'";
  ASSERT_GT(text.size(), kMaxRowFilterLength);
  EXPECT_TRUE(ParseRowFilter(text).ok());
}

std::string Nested(int depth) { return std::string(depth, '(') + "a = 1" + std::string(depth, ')'); }

TEST(RowFilterParse, NestingOf64ParenthesesAccepted) {
  Result<FilterExpr> parsed = ParseRowFilter(Nested(kMaxRowFilterDepth));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(RowFilterToSql(*parsed), R"(("a" = 1))");
}

TEST(RowFilterParse, NestingOf65ParenthesesRefused) {
  Result<FilterExpr> parsed = ParseRowFilter(Nested(kMaxRowFilterDepth + 1));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("nesting deeper than 64 levels"), std::string::npos);
  EXPECT_EQ(PositionOf(parsed.status().message()), "65");
}

TEST(RowFilterParse, NestingCountsNots) {
  std::string ok_text;
  for (int i = 0; i < kMaxRowFilterDepth; ++i) ok_text += "NOT ";
  EXPECT_TRUE(ParseRowFilter(ok_text + "a = 1").ok());
  Result<FilterExpr> parsed = ParseRowFilter(ok_text + "NOT a = 1");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(PositionOf(parsed.status().message()), std::to_string(4 * kMaxRowFilterDepth + 1));
}

TEST(RowFilterParse, NestingIsDepthNotCount) {
  // Many sibling parentheses are fine; only depth is limited.
  std::string text = "(a = 0)";
  for (int i = 1; i < 100; ++i) text += " OR (a = " + std::to_string(i) + ")";
  Result<FilterExpr> parsed = ParseRowFilter(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->children.size(), 100u);
}

TEST(RowFilterParse, CompareLeafShape) {
  Result<FilterExpr> parsed = ParseRowFilter("country != 'U''S'");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->kind, Kind::kCompare);
  EXPECT_EQ(parsed->column, "country");
  EXPECT_FALSE(parsed->column_exact);
  EXPECT_EQ(parsed->op, "<>");
  EXPECT_FALSE(parsed->negated);
  ASSERT_EQ(parsed->values.size(), 1u);
  EXPECT_EQ(parsed->values[0].kind, LiteralKind::kString);
  EXPECT_EQ(parsed->values[0].text, "U'S");
  EXPECT_TRUE(parsed->children.empty());
}

TEST(RowFilterParse, LiteralKindsAndText) {
  Result<FilterExpr> parsed = ParseRowFilter("a IN ('x', -1.5e3, TRUE, false)");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->kind, Kind::kIn);
  const std::vector<FilterLiteral> expected = {{LiteralKind::kString, "x"},
                                               {LiteralKind::kNumber, "-1.5e3"},
                                               {LiteralKind::kBoolean, "true"},
                                               {LiteralKind::kBoolean, "false"}};
  EXPECT_EQ(parsed->values, expected);
}

TEST(RowFilterParse, NegatedFlags) {
  for (const char* text : {"a NOT BETWEEN 1 AND 2", "a NOT IN (1)", "a NOT LIKE 'x'", "a IS NOT NULL"}) {
    Result<FilterExpr> parsed = ParseRowFilter(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_TRUE(parsed->negated) << text;
  }
  for (const char* text : {"a BETWEEN 1 AND 2", "a IN (1)", "a LIKE 'x'", "a IS NULL"}) {
    Result<FilterExpr> parsed = ParseRowFilter(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_FALSE(parsed->negated) << text;
  }
}

TEST(RowFilterParse, QuotedColumnIsExact) {
  Result<FilterExpr> parsed = ParseRowFilter(R"("My ""Col""" IS NULL)");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->kind, Kind::kIsNull);
  EXPECT_EQ(parsed->column, R"(My "Col")");
  EXPECT_TRUE(parsed->column_exact);
  EXPECT_TRUE(parsed->values.empty());
}

TEST(RowFilterParse, AndUnderOrKeepsStructure) {
  Result<FilterExpr> parsed = ParseRowFilter("a = 1 AND b = 2 OR c = 3 AND (d = 4 AND e = 5)");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->kind, Kind::kOr);
  ASSERT_EQ(parsed->children.size(), 2u);
  EXPECT_EQ(parsed->children[0].kind, Kind::kAnd);
  EXPECT_EQ(parsed->children[0].children.size(), 2u);
  EXPECT_EQ(parsed->children[1].kind, Kind::kAnd);
  EXPECT_EQ(parsed->children[1].children.size(), 3u);
}

TEST(RowFilterParse, RecordsCharacterPositions) {
  Result<FilterExpr> parsed = ParseRowFilter("x = 'é' AND \"Y\" BETWEEN 1 AND 20");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->children.size(), 2u);
  EXPECT_EQ(parsed->children[0].position, 1u);
  EXPECT_EQ(parsed->children[0].values[0].position, 5u);
  EXPECT_EQ(parsed->children[1].position, 13u);
  EXPECT_EQ(parsed->children[1].values[0].position, 25u);
  EXPECT_EQ(parsed->children[1].values[1].position, 31u);
}

TEST(RowFilterParse, EqualityIgnoresPositionsAndQuoting) {
  Result<FilterExpr> a = ParseRowFilter("year = 1");
  Result<FilterExpr> b = ParseRowFilter("   \"year\"   =   1");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *ParseRowFilter("year = 2"));
  EXPECT_NE(*a, *ParseRowFilter("YEAR = 1"));
  EXPECT_NE(*a, *ParseRowFilter("year = '1'"));
  EXPECT_NE(*a, *ParseRowFilter("year >= 1"));
  EXPECT_NE(*ParseRowFilter("a IN (1)"), *ParseRowFilter("a NOT IN (1)"));
  EXPECT_NE(*ParseRowFilter("a = 1 AND b = 1"), *ParseRowFilter("a = 1 OR b = 1"));
}

TEST(RowFilterParse, NumbersKeepTheirSpelling) {
  // "1.0" and "1" compare equal in SQL but are different texts; keep what
  // the administrator wrote.
  EXPECT_NE(*ParseRowFilter("a = 1.0"), *ParseRowFilter("a = 1"));
  EXPECT_EQ(RowFilterToSql(*ParseRowFilter("a = 1.50E+02")), R"(("a" = 1.50E+02))");
}

TEST(RowFilterColumns, SortedAndUnique) {
  Result<FilterExpr> parsed = ParseRowFilter("z = 1 OR (b = 2 AND z = 3) OR NOT \"A b\" IS NULL OR b IN (1)");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(RowFilterColumns(*parsed), (std::vector<std::string>{"A b", "b", "z"}));
}

TEST(RowFilterColumns, SingleLeaf) {
  EXPECT_EQ(RowFilterColumns(*ParseRowFilter("i_category = 'Electronics'")), (std::vector<std::string>{"i_category"}));
}

TEST(RowFilterToSql, HandBuiltTree) {
  FilterExpr leaf;
  leaf.kind = Kind::kLike;
  leaf.column = "it's \"x\"";
  leaf.values = {{LiteralKind::kString, "%o'k%"}};
  FilterExpr root;
  root.kind = Kind::kNot;
  root.children = {leaf};
  const std::string sql = RowFilterToSql(root);
  EXPECT_EQ(sql, R"((NOT ("it's ""x""" LIKE '%o''k%')))");
  Result<FilterExpr> reparsed = ParseRowFilter(sql);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status().message();
  EXPECT_EQ(*reparsed, root);
}

// ---------------------------------------------------------------------------
// Validation against a table with columns of many types.

catalog::Table SampleTable() {
  catalog::Table table;
  table.database = "sales";
  table.name = "orders";
  table.location = "sales/orders";
  table.columns = {
      {"id", "BIGINT", false},
      {"country", "VARCHAR", false},
      {"Region", "VARCHAR", false},
      {"code", "CHAR", false},
      {"note", "TEXT", false},
      {"Mixed Case", "VARCHAR", false},
      {"select", "VARCHAR", false},
      {"Status", "VARCHAR", false},
      {"STATUS", "VARCHAR", false},
      {"tiny", "TINYINT", false},
      {"qty", "SMALLINT", false},
      {"n", "INTEGER", false},
      {"big", "HUGEINT", false},
      {"u8", "UTINYINT", false},
      {"u16", "USMALLINT", false},
      {"u32", "UINTEGER", false},
      {"u64", "UBIGINT", false},
      {"price", "DECIMAL(7,2)", false},
      {"ratio", "DOUBLE", false},
      {"score", "FLOAT", false},
      {"active", "BOOLEAN", false},
      {"order_date", "DATE", false},
      {"created_at", "TIMESTAMP", false},
      {"created_tz", "TIMESTAMP WITH TIME ZONE", false},
      {"created_s", "TIMESTAMP_S", false},
      {"created_ms", "TIMESTAMP_MS", false},
      {"created_ns", "TIMESTAMP_NS", false},
      {"tags", "VARCHAR[]", false},
      {"address", "STRUCT(street VARCHAR, city VARCHAR)", false},
      {"attrs", "MAP(VARCHAR, VARCHAR)", false},
      {"payload", "BLOB", false},
      {"uid", "UUID", false},
      {"wait", "INTERVAL", false},
      {"at_time", "TIME", false},
      {"fixed", "INTEGER[3]", false},
      {"year", "INTEGER", true},
      {"month", "INTEGER", true},
      {"dt", "VARCHAR", true},
  };
  return table;
}

struct ValidCase {
  const char* name;
  const char* text;
  const char* sql;  // canonical SQL after validation
};

std::ostream& operator<<(std::ostream& os, const ValidCase& c) { return os << c.name; }

const ValidCase kValidCases[] = {
    {"StringColumnString", "country = 'US'", R"(("country" = 'US'))"},
    {"BareNameMatchesCaseInsensitively", "COUNTRY = 'US'", R"(("country" = 'US'))"},
    {"BareNameTakesTableSpelling", "region <> 'EU'", R"(("Region" <> 'EU'))"},
    {"QuotedNameMatchesExactly", R"("Region" = 'EU')", R"(("Region" = 'EU'))"},
    {"QuotedNameWithSpace", R"("Mixed Case" LIKE 'x%')", R"(("Mixed Case" LIKE 'x%'))"},
    {"QuotedKeywordColumn", R"("select" IN ('a', 'b'))", R"(("select" IN ('a', 'b')))"},
    {"ExactMatchWinsOverCaseVariants", "Status = 'open' OR STATUS = 'x'",
     R"((("Status" = 'open') OR ("STATUS" = 'x')))"},
    {"CharColumn", "code = 'AB'", R"(("code" = 'AB'))"},
    {"TextColumn", "note NOT LIKE '%secret%'", R"(("note" NOT LIKE '%secret%'))"},
    {"SignedIntegers", "tiny = 1 AND qty = -3 AND n > 2 AND id < 1e6 AND big = 170141183460469231731687303715884105727",
     R"((("tiny" = 1) AND ("qty" = -3) AND ("n" > 2) AND ("id" < 1e6) AND ("big" = 170141183460469231731687303715884105727)))"},
    {"UnsignedIntegers", "u8 = 1 AND u16 = 2 AND u32 = 3 AND u64 = 18446744073709551615",
     R"((("u8" = 1) AND ("u16" = 2) AND ("u32" = 3) AND ("u64" = 18446744073709551615)))"},
    {"DecimalColumn", "price BETWEEN 9.99 AND 19.99", R"(("price" BETWEEN 9.99 AND 19.99))"},
    {"FloatingColumns", "ratio >= 2.5E-3 OR score < -0.5", R"((("ratio" >= 2.5E-3) OR ("score" < -0.5)))"},
    {"BooleanColumn", "active = TRUE", R"(("active" = TRUE))"},
    {"BooleanColumnNotEqual", "active <> false", R"(("active" <> FALSE))"},
    {"DateColumn", "order_date = '2024-02-29'", R"(("order_date" = '2024-02-29'))"},
    {"DateColumnYear2000IsLeap", "order_date = '2000-02-29'", R"(("order_date" = '2000-02-29'))"},
    {"DateColumnBetween", "order_date BETWEEN '2024-01-01' AND '2024-12-31'",
     R"(("order_date" BETWEEN '2024-01-01' AND '2024-12-31'))"},
    {"DateColumnIn", "order_date IN ('2024-01-01', '2024-01-02')", R"(("order_date" IN ('2024-01-01', '2024-01-02')))"},
    {"TimestampDateOnly", "created_at >= '2024-01-01'", R"(("created_at" >= '2024-01-01'))"},
    {"TimestampWithSpace", "created_at < '2024-01-01 12:30:59'", R"(("created_at" < '2024-01-01 12:30:59'))"},
    {"TimestampWithT", "created_at < '2024-01-01T23:59:59.123456'", R"(("created_at" < '2024-01-01T23:59:59.123456'))"},
    {"TimestampSecondsAndMillis", "created_s > '2024-01-01 00:00:00' AND created_ms > '2024-01-01 00:00:00.5'",
     R"((("created_s" > '2024-01-01 00:00:00') AND ("created_ms" > '2024-01-01 00:00:00.5')))"},
    {"TimestampNanosecondFraction", "created_ns > '2024-01-01 00:00:00.123456789'",
     R"(("created_ns" > '2024-01-01 00:00:00.123456789'))"},
    {"TimestampTzUtcSuffix", "created_tz > '2024-01-01 00:00:00Z'", R"(("created_tz" > '2024-01-01 00:00:00Z'))"},
    {"TimestampTzOffsets",
     "created_tz IN ('2024-01-01 00:00:00+02:00', '2024-01-01T00:00:00.1-0530', '2024-01-01 00:00:00+02')",
     R"(("created_tz" IN ('2024-01-01 00:00:00+02:00', '2024-01-01T00:00:00.1-0530', '2024-01-01 00:00:00+02')))"},
    {"TimestampTzWithoutZone", "created_tz <= '2024-06-30 10:00:00'", R"(("created_tz" <= '2024-06-30 10:00:00'))"},
    {"IsNullOnDataColumn", "country IS NULL", R"(("country" IS NULL))"},
    {"IsNotNullOnDataColumn", "order_date IS NOT NULL", R"(("order_date" IS NOT NULL))"},
    {"PartitionColumnComparison", "year = 2018", R"(("year" = 2018))"},
    {"PartitionColumnInAndBetween", "year IN (2018, 2019) AND month BETWEEN 1 AND 6 AND dt LIKE '2024-%'",
     R"((("year" IN (2018, 2019)) AND ("month" BETWEEN 1 AND 6) AND ("dt" LIKE '2024-%')))"},
    {"LfDocYearAndCountry", "year > 2010 and country != 'US'", R"((("year" > 2010) AND ("country" <> 'US')))"},
    {"LfDocOrOfAnds", "(year > 2010 and country = 'US') or (month < 8 and id > 23)",
     R"(((("year" > 2010) AND ("country" = 'US')) OR (("month" < 8) AND ("id" > 23))))"},
    {"LfDocBetween", "(country between 'Z' and 'U') and (year = 2018)",
     R"((("country" BETWEEN 'Z' AND 'U') AND ("year" = 2018)))"},
    {"LfDocLike", "(country like '%ited%') and (year > 2000)", R"((("country" LIKE '%ited%') AND ("year" > 2000)))"},
    {"NotOverValidLeaves", "NOT (active = TRUE OR id IS NULL)", R"((NOT (("active" = TRUE) OR ("id" IS NULL))))"},
};

class RowFilterValid : public ::testing::TestWithParam<ValidCase> {};

TEST_P(RowFilterValid, ValidatesAndResolvesColumns) {
  const ValidCase& c = GetParam();
  const catalog::Table table = SampleTable();
  Result<FilterExpr> parsed = ParseRowFilter(c.text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  FilterExpr expr = *parsed;
  const Status status = ValidateRowFilter(&expr, table);
  ASSERT_TRUE(status.ok()) << status.message();
  const std::string sql = RowFilterToSql(expr);
  EXPECT_EQ(sql, c.sql);
  // The stored text parses and validates to the same tree.
  Result<FilterExpr> stored = ParseRowFilter(sql);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  EXPECT_EQ(*stored, expr);
  EXPECT_TRUE(ValidateRowFilter(&*stored, table).ok());
  EXPECT_EQ(*stored, expr);
}

INSTANTIATE_TEST_SUITE_P(RowFilter, RowFilterValid, ::testing::ValuesIn(kValidCases), CaseName());

struct InvalidCase {
  const char* name;
  const char* text;
  int position;
  const char* message;
};

std::ostream& operator<<(std::ostream& os, const InvalidCase& c) { return os << c.name; }

const InvalidCase kInvalidCases[] = {
    // Columns that do not resolve.
    {"UnknownColumn", "nope = 1", 1, "column \"nope\" does not exist in table sales.orders"},
    {"UnknownColumnDeepInTree", "country = 'US' AND (id = 1 OR nope = 2)", 31, "column \"nope\" does not exist"},
    {"QuotedNameIsCaseSensitive", R"("COUNTRY" = 'US')", 1, "did you mean \"country\""},
    {"AmbiguousCaseInsensitiveMatch", "status = 'open'", 1, "column \"status\" is ambiguous"},
    {"LeftmostErrorReported", "nope = 1 AND id = 'x'", 1, "does not exist"},
    // Literal types.
    {"StringColumnNumber", "country = 1", 11, "column \"country\" is VARCHAR; expected a string"},
    {"StringColumnBoolean", "country = TRUE", 11, "expected a string in single quotes, found TRUE"},
    {"NumberColumnString", "id = '1'", 6, "column \"id\" is BIGINT; expected a number, found the string '1'"},
    {"NumberColumnBoolean", "price = false", 9, "expected a number"},
    {"BooleanColumnNumber", "active = 1", 10, "expected TRUE or FALSE"},
    {"BooleanColumnString", "active = 'true'", 10, "expected TRUE or FALSE"},
    {"DateColumnNumber", "order_date = 20240101", 14, "expected a date 'YYYY-MM-DD'"},
    {"DateNotALeapYear", "order_date = '2023-02-29'", 14, "expected a date"},
    {"DateCenturyNotALeapYear", "order_date = '1900-02-29'", 14, "expected a date"},
    {"DateMonth13", "order_date = '2024-13-01'", 14, "expected a date"},
    {"DateDay31InApril", "order_date = '2024-04-31'", 14, "expected a date"},
    {"DateYearZero", "order_date = '0000-01-01'", 14, "expected a date"},
    {"DateUsFormat", "order_date = '01/02/2024'", 14, "expected a date"},
    {"DateWithoutPadding", "order_date = '2024-1-5'", 14, "expected a date"},
    {"DateWithTime", "order_date = '2024-01-01 00:00:00'", 14, "expected a date"},
    {"TimestampHour24", "created_at = '2024-01-01 24:00:00'", 14, "expected a timestamp"},
    {"TimestampMinute60", "created_at = '2024-01-01 10:60:00'", 14, "expected a timestamp"},
    {"TimestampMissingSeconds", "created_at = '2024-01-01 10:00'", 14, "expected a timestamp"},
    {"TimestampEmptyFraction", "created_at = '2024-01-01 10:00:00.'", 14, "expected a timestamp"},
    {"TimestampSevenFractionDigits", "created_at = '2024-01-01 00:00:00.1234567'", 14, "expected a timestamp"},
    {"TimestampZoneWithoutTimeZoneType", "created_at = '2024-01-01 00:00:00Z'", 14, "expected a timestamp"},
    {"TimestampTzBadOffset", "created_tz = '2024-01-01 00:00:00+2'", 14, "expected a timestamp"},
    {"TimestampInvalidDate", "created_tz = '2024-02-30 00:00:00'", 14, "expected a timestamp"},
    {"TimestampNumber", "created_at > 1700000000", 14, "expected a timestamp"},
    {"InListOneBadLiteral", "id IN (1, 'two', 3)", 11, "expected a number, found the string 'two'"},
    {"BetweenSecondBoundBad", "id BETWEEN 1 AND 'x'", 18, "expected a number"},
    {"NotWrapsBadLeaf", "NOT (country = 1)", 16, "expected a string"},
    // Operators that do not fit the column.
    {"LikeOnNumber", "id LIKE '1%'", 1, "LIKE needs a string column; column \"id\" is BIGINT"},
    {"NotLikeOnDate", "order_date NOT LIKE '2024%'", 1, "LIKE needs a string column"},
    {"IsNullOnPartitionColumn", "year IS NULL", 1, "IS NULL is not allowed on partition column \"year\""},
    {"IsNotNullOnPartitionColumn", "country = 'US' OR dt IS NOT NULL", 19,
     "IS NOT NULL is not allowed on partition column \"dt\""},
    // Types row filters cannot reference.
    {"ListColumn", "tags = 'x'", 1, "column \"tags\" has type VARCHAR[], which row filters cannot reference"},
    {"FixedArrayColumn", "fixed = 1", 1, "has type INTEGER[3]"},
    {"StructColumn", "address = 'x'", 1, "has type STRUCT(street VARCHAR, city VARCHAR)"},
    {"MapColumn", "attrs IS NULL", 1, "has type MAP(VARCHAR, VARCHAR)"},
    {"BlobColumn", "payload = 'x'", 1, "has type BLOB"},
    {"UuidColumn", "uid = '00000000-0000-0000-0000-000000000000'", 1, "has type UUID"},
    {"IntervalColumn", "wait > '1 day'", 1, "has type INTERVAL"},
    {"TimeColumn", "at_time > '10:00:00'", 1, "has type TIME"},
};

class RowFilterInvalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(RowFilterInvalid, RefusesNamingColumnAndPosition) {
  const InvalidCase& c = GetParam();
  Result<FilterExpr> parsed = ParseRowFilter(c.text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  FilterExpr expr = *parsed;
  const Status status = ValidateRowFilter(&expr, SampleTable());
  ASSERT_FALSE(status.ok()) << RowFilterToSql(expr);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().rfind("row filter: ", 0), 0u) << status.message();
  EXPECT_EQ(PositionOf(status.message()), std::to_string(c.position)) << status.message();
  EXPECT_NE(status.message().find(c.message), std::string::npos) << status.message();
}

INSTANTIATE_TEST_SUITE_P(RowFilter, RowFilterInvalid, ::testing::ValuesIn(kInvalidCases), CaseName());

catalog::Table OneColumnTable(const std::string& type, bool partition = false) {
  catalog::Table table;
  table.database = "db";
  table.name = "t";
  table.columns = {{"c", type, partition}};
  return table;
}

Status ValidateText(const std::string& text, const catalog::Table& table) {
  Result<FilterExpr> parsed = ParseRowFilter(text);
  if (!parsed.ok()) return parsed.status();
  FilterExpr expr = *parsed;
  return ValidateRowFilter(&expr, table);
}

TEST(RowFilterValidate, EveryNumericTypeTakesNumbersOnly) {
  for (const char* type : {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                           "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL(7,2)", "DECIMAL(18, 3)", "DECIMAL(38,0)"}) {
    const catalog::Table table = OneColumnTable(type);
    for (const char* ok : {"c = 1", "c <> -2.5", "c BETWEEN 1e2 AND 1E3", "c IN (1, 2)", "c IS NULL"}) {
      EXPECT_TRUE(ValidateText(ok, table).ok()) << type << ": " << ok;
    }
    for (const char* bad : {"c = '1'", "c = TRUE", "c LIKE '1%'"}) {
      EXPECT_FALSE(ValidateText(bad, table).ok()) << type << ": " << bad;
    }
  }
}

TEST(RowFilterValidate, EveryStringTypeTakesStringsOnly) {
  for (const char* type : {"VARCHAR", "CHAR", "TEXT", "varchar", "VARCHAR(10)"}) {
    const catalog::Table table = OneColumnTable(type);
    for (const char* ok : {"c = 'x'", "c LIKE '%x'", "c NOT IN ('a', 'b')", "c BETWEEN 'a' AND 'b'"}) {
      EXPECT_TRUE(ValidateText(ok, table).ok()) << type << ": " << ok;
    }
    for (const char* bad : {"c = 1", "c = FALSE", "c IN ('a', 2)"}) {
      EXPECT_FALSE(ValidateText(bad, table).ok()) << type << ": " << bad;
    }
  }
}

TEST(RowFilterValidate, EveryTimestampTypeTakesIsoStrings) {
  for (const char* type : {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}) {
    const catalog::Table table = OneColumnTable(type);
    EXPECT_TRUE(ValidateText("c > '2024-01-01 00:00:00'", table).ok()) << type;
    EXPECT_TRUE(ValidateText("c > '2024-01-01'", table).ok()) << type;
    EXPECT_FALSE(ValidateText("c > 'yesterday'", table).ok()) << type;
    EXPECT_FALSE(ValidateText("c > 1", table).ok()) << type;
  }
}

TEST(RowFilterValidate, UnsupportedTypesCannotBeReferenced) {
  for (const char* type :
       {"INTEGER[]", "VARCHAR[][]", "STRUCT(a INTEGER)", "MAP(VARCHAR, INTEGER)", "BLOB", "UUID", "INTERVAL", "TIME",
        "BIT", "UNION(a INTEGER, b VARCHAR)", "ENUM('a', 'b')", "JSON", "DECIMAL(x)", ""}) {
    const Status status = ValidateText("c IS NOT NULL", OneColumnTable(type));
    ASSERT_FALSE(status.ok()) << type;
    EXPECT_NE(status.message().find("which row filters cannot reference"), std::string::npos) << status.message();
  }
}

TEST(RowFilterValidate, PartitionColumnsAllowEverythingButIsNull) {
  const catalog::Table table = OneColumnTable("BIGINT", /*partition=*/true);
  EXPECT_TRUE(ValidateText("c = 1 OR c BETWEEN 2 AND 3 OR c NOT IN (4)", table).ok());
  EXPECT_FALSE(ValidateText("c IS NULL", table).ok());
  EXPECT_FALSE(ValidateText("NOT c IS NOT NULL", table).ok());
}

TEST(RowFilterValidate, ItemTableElectronics) {
  catalog::Table item;
  item.database = "tpcds";
  item.name = "item";
  item.location = "tpcds/item";
  item.columns = {{"i_item_sk", "BIGINT", false},
                  {"i_item_id", "VARCHAR", false},
                  {"i_current_price", "DECIMAL(7,2)", false},
                  {"i_category", "VARCHAR", false},
                  {"i_rec_start_date", "DATE", false}};
  Result<FilterExpr> parsed = ParseRowFilter("i_category = 'Electronics'");
  ASSERT_TRUE(parsed.ok());
  FilterExpr expr = *parsed;
  ASSERT_TRUE(ValidateRowFilter(&expr, item).ok());
  EXPECT_EQ(RowFilterToSql(expr), R"(("i_category" = 'Electronics'))");
  EXPECT_EQ(RowFilterColumns(expr), (std::vector<std::string>{"i_category"}));
  EXPECT_TRUE(expr.column_exact);

  const Status missing = ValidateText("I_CATEGORY = 'Electronics' AND i_brand = 'x'", item);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.message(), "row filter: column \"i_brand\" does not exist in table tpcds.item at position 32");
}

TEST(RowFilterValidate, RewritesColumnsToTableSpelling) {
  Result<FilterExpr> parsed = ParseRowFilter("REGION = 'EU' OR mixed_case = 1");
  ASSERT_TRUE(parsed.ok());
  catalog::Table table = OneColumnTable("VARCHAR");
  table.columns = {{"Region", "VARCHAR", false}, {"Mixed_Case", "INTEGER", false}};
  FilterExpr expr = *parsed;
  ASSERT_TRUE(ValidateRowFilter(&expr, table).ok());
  EXPECT_EQ(RowFilterColumns(expr), (std::vector<std::string>{"Mixed_Case", "Region"}));
  EXPECT_EQ(RowFilterToSql(expr), R"((("Region" = 'EU') OR ("Mixed_Case" = 1)))");
}

TEST(RowFilterValidate, LeavesExpressionUnchangedOnError) {
  Result<FilterExpr> parsed = ParseRowFilter("COUNTRY = 'US' AND id = 'x'");
  ASSERT_TRUE(parsed.ok());
  FilterExpr expr = *parsed;
  EXPECT_FALSE(ValidateRowFilter(&expr, SampleTable()).ok());
  EXPECT_EQ(expr, *parsed);
  EXPECT_EQ(expr.children[0].column, "COUNTRY");
  EXPECT_FALSE(expr.children[0].column_exact);
}

TEST(RowFilterValidate, HandBuiltExpressionHasNoPosition) {
  FilterExpr expr;
  expr.kind = Kind::kCompare;
  expr.column = "id";
  expr.op = "=";
  expr.values = {{LiteralKind::kString, "1"}};
  const Status status = ValidateRowFilter(&expr, SampleTable());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "row filter: column \"id\" is BIGINT; expected a number, found the string '1'");
}

TEST(RowFilterValidate, HandBuiltMalformedTreesRefused) {
  FilterExpr empty_and;
  empty_and.kind = Kind::kAnd;
  EXPECT_FALSE(ValidateRowFilter(&empty_and, SampleTable()).ok());

  FilterExpr bad_op;
  bad_op.kind = Kind::kCompare;
  bad_op.column = "id";
  bad_op.op = "==";
  bad_op.values = {{LiteralKind::kNumber, "1"}};
  EXPECT_FALSE(ValidateRowFilter(&bad_op, SampleTable()).ok());

  FilterExpr empty_in;
  empty_in.kind = Kind::kIn;
  empty_in.column = "id";
  EXPECT_FALSE(ValidateRowFilter(&empty_in, SampleTable()).ok());
}

TEST(RowFilterValidate, TableWithUnsupportedColumnsStillFilterable) {
  // LF refuses filters *referencing* unsupported types; other columns of the
  // same table remain usable.
  EXPECT_TRUE(ValidateText("id > 0 AND country = 'US'", SampleTable()).ok());
}

}  // namespace
}  // namespace weir::access
