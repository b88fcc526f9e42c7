#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

// Lexing of SQL text that the session layer needs before (or instead of)
// DuckDB's parser: splitting a simple-query message into statements, and
// reading the leading words of the statements Weir answers itself
// (transactions, SET, SHOW, cursors). Follows PostgreSQL's lexical rules for
// what can hide a ';': '…' strings ('' escapes), E'…' strings (backslash
// escapes), "…" identifiers, $tag$…$tag$ strings, -- and nested /* */
// comments.
namespace weir::session {

struct StatementText {
  size_t offset = 0;  // into the original text
  std::string text;   // without the terminating ';', surrounding space trimmed
};

// The statements of `sql`, in order; empty ones (";;", only comments) are
// dropped. An unterminated string or comment ends the last statement, which
// is kept even when it holds nothing else ("SELECT 1; /* open"), so that
// checking each statement (CheckTerminated) refuses the message.
std::vector<StatementText> SplitStatements(std::string_view sql);

enum class TokenKind { kWord, kQuotedIdentifier, kString, kNumber, kSymbol };

struct Token {
  TokenKind kind = TokenKind::kWord;
  std::string text;   // words lower-cased; identifiers and strings unquoted
  size_t offset = 0;  // where the token starts in the statement
};

// The tokens of one statement (comments and space skipped). Stops after
// `limit` tokens when non-zero.
std::vector<Token> Tokenize(std::string_view statement, size_t limit = 0);

// True when the statement holds nothing but space and comments.
bool IsBlank(std::string_view sql);

// kSyntaxError when a string, quoted identifier or comment of `sql` runs to
// its end unterminated, as PostgreSQL's lexer reports it; Ok otherwise.
Status CheckTerminated(std::string_view sql);

}  // namespace weir::session

namespace weir::session {

// Rewrites the PostgreSQL-only spellings catalog queries from psql and
// drivers use into what DuckDB's parser accepts: OPERATOR(pg_catalog.~)
// becomes ~, COLLATE pg_catalog.default is dropped, and pg_catalog-qualified
// calls of the compatibility functions the catalog mirror defines lose the
// qualifier. Text without "pg_catalog" is returned unchanged.
std::string NormalizeCatalogSyntax(const std::string& sql);

}  // namespace weir::session
