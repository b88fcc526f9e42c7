#include "session/sql_text.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace weir::session {
namespace {

std::vector<std::string> Texts(const std::vector<StatementText>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) out.push_back(s.text);
  return out;
}

const char* KindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kWord:
      return "word";
    case TokenKind::kQuotedIdentifier:
      return "ident";
    case TokenKind::kString:
      return "string";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kSymbol:
      return "symbol";
  }
  return "?";
}

// "kind:text@offset" per token, so a mismatch prints readably.
std::vector<std::string> Describe(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens)
    out.push_back(std::string(KindName(t.kind)) + ":" + t.text + "@" + std::to_string(t.offset));
  return out;
}

// --- SplitStatements --------------------------------------------------------

TEST(SqlText, SplitStatementsKeepsSemicolonsThatAreNotTerminators) {
  struct Case {
    const char* sql;
    std::vector<std::string> statements;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"SELECT 1", {"SELECT 1"}},
      {"SELECT 1;", {"SELECT 1"}},
      {"SELECT 1; SELECT 2", {"SELECT 1", "SELECT 2"}},
      // Empty statements and comment-only statements are dropped.
      {";;; ;", {}},
      {"SELECT 1;;SELECT 2;", {"SELECT 1", "SELECT 2"}},
      {"SELECT 1; -- trailing comment", {"SELECT 1"}},
      {"SELECT 1; /* only a comment */ ;\n", {"SELECT 1"}},
      {"-- a; b\n/* c; d */", {}},
      // '...' strings, with '' as an escaped quote.
      {"SELECT 'a;b'; SELECT 2", {"SELECT 'a;b'", "SELECT 2"}},
      {"SELECT 'it''s;'; SELECT 2", {"SELECT 'it''s;'", "SELECT 2"}},
      {"SELECT 'a'';'", {"SELECT 'a'';'"}},
      // A backslash is literal in a standard string: 'a\' ends there.
      {"SELECT 'a\\'; SELECT 2", {"SELECT 'a\\'", "SELECT 2"}},
      // E'...' strings: a backslash escapes the next character.
      {"SELECT E'a\\';b'; SELECT 2", {"SELECT E'a\\';b'", "SELECT 2"}},
      {"SELECT e'a\\\\'; SELECT 2", {"SELECT e'a\\\\'", "SELECT 2"}},
      {"SELECT E'a'';b'; SELECT 2", {"SELECT E'a'';b'", "SELECT 2"}},
      // ...but only when E starts a token: `some'\'` is a word and a standard string.
      {"SELECT some'\\'; SELECT 2", {"SELECT some'\\'", "SELECT 2"}},
      // "..." identifiers, with "" as an escaped quote.
      {"SELECT \"a;b\" FROM t; SELECT 2", {"SELECT \"a;b\" FROM t", "SELECT 2"}},
      {"SELECT \"a\"\";b\"; SELECT 2", {"SELECT \"a\"\";b\"", "SELECT 2"}},
      // Dollar quotes: empty tag, named tag, other tags inside, case-sensitive tags.
      {"SELECT $$a;b$$; SELECT 2", {"SELECT $$a;b$$", "SELECT 2"}},
      {"SELECT $fn$ a; $$ ; b $fn$; SELECT 2", {"SELECT $fn$ a; $$ ; b $fn$", "SELECT 2"}},
      {"SELECT $a$ x $A$; $a$; SELECT 2", {"SELECT $a$ x $A$; $a$", "SELECT 2"}},
      // $ inside an identifier or a parameter is no quote.
      {"SELECT a$$b; SELECT 2", {"SELECT a$$b", "SELECT 2"}},
      {"SELECT $1; SELECT $2", {"SELECT $1", "SELECT $2"}},
      // -- comments run to the end of the line.
      {"SELECT 1 -- a; comment\n; SELECT 2", {"SELECT 1 -- a; comment", "SELECT 2"}},
      {"SELECT 1--2;\nSELECT 3", {"SELECT 1--2;\nSELECT 3"}},
      // /* */ comments nest; -- and quotes inside them mean nothing.
      {"SELECT /* a; /* nested; */ still; */ 1; SELECT 2", {"SELECT /* a; /* nested; */ still; */ 1", "SELECT 2"}},
      {"SELECT /* -- ; ' \" $$ */ 1; SELECT 2", {"SELECT /* -- ; ' \" $$ */ 1", "SELECT 2"}},
      {"SELECT 2/*c*/;SELECT 3", {"SELECT 2/*c*/", "SELECT 3"}},
      // Unterminated: the rest of the text belongs to the last statement.
      {"SELECT 1; SELECT 'unterminated; SELECT 2", {"SELECT 1", "SELECT 'unterminated; SELECT 2"}},
      {"SELECT \"open; SELECT 2", {"SELECT \"open; SELECT 2"}},
      {"SELECT $$open; SELECT 2", {"SELECT $$open; SELECT 2"}},
      {"SELECT 1 /* open; SELECT 2", {"SELECT 1 /* open; SELECT 2"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    std::string sql = c.sql;
    auto statements = SplitStatements(sql);
    EXPECT_EQ(Texts(statements), c.statements);
    // Every offset points at its statement's text in the original.
    for (const auto& s : statements) EXPECT_EQ(sql.substr(s.offset, s.text.size()), s.text);
  }
}

TEST(SqlText, CheckTerminatedNamesWhatRunsToTheEnd) {
  struct Case {
    const char* sql;
    const char* error;  // "" = Ok
  };
  const std::vector<Case> cases = {
      {"SELECT 1; SELECT 'a;b'", ""},
      {"SELECT /* a /* nested */ still */ 1", ""},
      {"SELECT $x$ ' \" $x$, E'\\'', \"q\"\"x\" -- '", ""},
      {"SELECT $1, a$b", ""},
      {"SELECT 1; /* open", "unterminated /* comment at or near \"/* open\""},
      {"SELECT /* a /* nested */ 1", "unterminated /* comment"},
      {"SET application_name = 'abc", "unterminated quoted string at or near \"'abc\""},
      {"SELECT E'\\'", "unterminated quoted string"},
      {"SELECT \"col", "unterminated quoted identifier"},
      {"SELECT $tag$ body $TAG$", "unterminated dollar-quoted string"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    Status status = CheckTerminated(c.sql);
    if (*c.error == '\0') {
      EXPECT_TRUE(status.ok()) << status.ToString();
    } else {
      EXPECT_EQ(status.code(), StatusCode::kSyntaxError);
      EXPECT_NE(status.message().find(c.error), std::string::npos) << status.message();
    }
  }
}

TEST(SqlText, SplitStatementsTrimsSpaceAndReportsOffsets) {
  const std::string sql = "  SELECT 1 ;\n\tSELECT\n2  ;\r\n";
  auto statements = SplitStatements(sql);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].offset, 2u);
  EXPECT_EQ(statements[0].text, "SELECT 1");
  EXPECT_EQ(statements[1].offset, 14u);
  EXPECT_EQ(statements[1].text, "SELECT\n2");
}

// --- Tokenize -------------------------------------------------------------------

TEST(SqlText, TokenizeReadsEachKindOfToken) {
  struct Case {
    const char* sql;
    std::vector<std::string> tokens;  // kind:text@offset
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"SELECT a, \"B c\" FROM t",
       {"word:select@0", "word:a@7", "symbol:,@8", "ident:B c@10", "word:from@16", "word:t@21"}},
      // Words are lower-cased; identifiers keep their case.
      {"Foo_Bar$1 \"Foo\"", {"word:foo_bar$1@0", "ident:Foo@10"}},
      {"ünï x", {"word:ünï@0", "word:x@6"}},
      // Strings and identifiers are unquoted.
      {"SET x = 'it''s'", {"word:set@0", "word:x@4", "symbol:=@6", "string:it's@8"}},
      {"\"a\"\"b\"", {"ident:a\"b@0"}},
      {"E'a\\'b' e'\\\\'", {"string:a'b@0", "string:\\@8"}},
      {"'a\\'", {"string:a\\@0"}},
      {"$tag$ body; $$ $tag$ $$$$", {"string: body; $$ @0", "string:@21"}},
      {"'open", {"string:open@0"}},
      // Numbers.
      {"1 2.5 .5 1e3 x1", {"number:1@0", "number:2.5@2", "number:.5@6", "number:1e3@9", "word:x1@13"}},
      // Parameters and operators are symbols (and the number).
      {"$1", {"symbol:$@0", "number:1@1"}},
      {"a::int<>-1",
       {"word:a@0", "symbol::@1", "symbol::@2", "word:int@3", "symbol:<@6", "symbol:>@7", "symbol:-@8", "number:1@9"}},
      // Comments and space are skipped.
      {"a -- x\n b /* c /* d */ e */ f\t", {"word:a@0", "word:b@8", "word:f@28"}},
      {"/* open", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    EXPECT_EQ(Describe(Tokenize(c.sql)), c.tokens);
  }
}

TEST(SqlText, TokenizeStopsAtTheLimit) {
  EXPECT_EQ(Describe(Tokenize("a 'b' c d", 2)), (std::vector<std::string>{"word:a@0", "string:b@2"}));
  EXPECT_EQ(Tokenize("a b c d", 0).size(), 4u);
  EXPECT_EQ(Tokenize("a b", 10).size(), 2u);
}

TEST(SqlText, TokenizeDecodesEscapeStringEscapes) {
  // PostgreSQL: \b \f \n \r \t, \ooo octal, \xhh hex, \uXXXX, any other
  // character stands for itself.
  struct Case {
    const char* sql;
    std::string value;
  };
  for (const auto& c : std::vector<Case>{{"E'a\\tb'", "a\tb"},
                                         {"E'a\\nb'", "a\nb"},
                                         {"E'\\r\\f\\b'", "\r\f\b"},
                                         {"E'\\101'", "A"},
                                         {"E'\\x41'", "A"},
                                         {"E'\\u00e9'", "\xc3\xa9"},
                                         {"E'\\q'", "q"}}) {
    SCOPED_TRACE(c.sql);
    auto tokens = Tokenize(c.sql);
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_EQ(tokens[0].kind, TokenKind::kString);
    EXPECT_EQ(tokens[0].text, c.value);
  }
}

// --- IsBlank ------------------------------------------------------------------------

TEST(SqlText, IsBlankIsTrueOnlyForSpaceAndComments) {
  struct Case {
    const char* sql;
    bool blank;
  };
  for (const auto& c : std::vector<Case>{{"", true},
                                         {" \t\r\n\f\v", true},
                                         {"-- comment", true},
                                         {"/* a /* b */ c */", true},
                                         {"/* unterminated", true},
                                         {"-- a\n/* b */\n", true},
                                         {"x", false},
                                         {";", false},
                                         {"''", false},
                                         {"/* a */ 1", false},
                                         {"-- a\nSELECT", false}}) {
    SCOPED_TRACE(c.sql);
    EXPECT_EQ(IsBlank(c.sql), c.blank);
  }
}

// --- NormalizeCatalogSyntax -------------------------------------------------------

TEST(SqlText, NormalizeCatalogSyntaxRewritesPostgresSpellings) {
  struct Case {
    std::string sql;
    std::string expected;
  };
  const std::vector<Case> cases = {
      // Text without pg_catalog is left alone, whatever it holds.
      {"SELECT x::regclass, a OPERATOR(~) b", "SELECT x::regclass, a OPERATOR(~) b"},
      // psql's \dt pattern match.
      {"WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default", "WHERE c.relname  ~  '^(t)$' "},
      // Qualified calls lose the qualifier; relations keep it.
      {"SELECT pg_catalog.pg_table_is_visible(c.oid) FROM pg_catalog.pg_class c",
       "SELECT pg_table_is_visible(c.oid) FROM pg_catalog.pg_class c"},
      {"SELECT pg_catalog.format_type (t, m)", "SELECT format_type (t, m)"},
      {"SELECT pg_catalog.f(pg_catalog.g(1))", "SELECT f(g(1))"},
      // Already qualified further, or part of another name: kept.
      {"SELECT db.pg_catalog.f(1)", "SELECT db.pg_catalog.f(1)"},
      {"SELECT my_pg_catalog.f(1)", "SELECT my_pg_catalog.f(1)"},
      {"SELECT \"pg_catalog\".f(1), pg_catalog.pg_class", "SELECT \"pg_catalog\".f(1), pg_catalog.pg_class"},
      // Casts.
      {"SELECT x::pg_catalog.text", "SELECT x::text"},
      {"SELECT c.oid::pg_catalog.regclass", "SELECT c.oid::VARCHAR"},
      {"SELECT t::pg_catalog.regtype, n::pg_catalog.regnamespace, p::pg_catalog.regproc",
       "SELECT t::VARCHAR, n::VARCHAR, p::VARCHAR"},
      {"SELECT x::regclass FROM pg_catalog.pg_class", "SELECT x::VARCHAR FROM pg_catalog.pg_class"},
      // psql's \d reads a set-returning function's alias as its column.
      {"FROM generate_series(0, pg_catalog.array_upper(pr.prattrs::int2[], 1)) s, pg_catalog.pg_class",
       "FROM generate_series(0, array_upper(pr.prattrs::int2[], 1)) s(s), pg_catalog.pg_class"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    EXPECT_EQ(NormalizeCatalogSyntax(c.sql), c.expected);
  }
}

TEST(SqlText, NormalizeCatalogSyntaxRewritesEveryOperator) {
  for (const std::string op : {"~", "!~", "~~", "!~~", "~~*", "!~~*", "=", "<>", "<", ">", "<=", ">="}) {
    SCOPED_TRACE(op);
    EXPECT_EQ(NormalizeCatalogSyntax("a OPERATOR(pg_catalog." + op + ") b"), "a  " + op + "  b");
  }
  // An operator Weir does not know stays as written.
  EXPECT_EQ(NormalizeCatalogSyntax("a OPERATOR(pg_catalog.@>) b"), "a OPERATOR(pg_catalog.@>) b");
}

TEST(SqlText, NormalizeCatalogSyntaxRewritesOnlyWholeTypeNames) {
  std::string out = NormalizeCatalogSyntax("SELECT 'f(int)'::pg_catalog.regprocedure::pg_catalog.oid");
  EXPECT_EQ(out.find("VARCHARedure"), std::string::npos) << out;
}

}  // namespace
}  // namespace weir::session
