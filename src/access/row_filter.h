#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace weir::catalog {
struct Table;
}

namespace weir::access {

// Lake Formation data-cells-filter row expressions: the PartiQL subset LF
// accepts in RowFilter.FilterExpression (lakeformation-semantics.md §2.2).
//
//   expr      := or
//   or        := and (OR and)*
//   and       := not (AND not)*
//   not       := NOT not | primary
//   primary   := '(' expr ')' | predicate
//   predicate := column ( op literal
//                       | [NOT] BETWEEN literal AND literal
//                       | [NOT] IN '(' literal (',' literal)* ')'
//                       | [NOT] LIKE string
//                       | IS [NOT] NULL )
//   op        := = | <> | != | < | <= | > | >=
//   column    := [A-Za-z_][A-Za-z0-9_]* (not a keyword) | "double-quoted, "" escapes"
//   literal   := 'single-quoted, '' escapes' | -?digits(.digits)?([eE][+-]?digits)? | TRUE | FALSE
//
// Keywords (AND OR NOT BETWEEN IN LIKE IS NULL TRUE FALSE SELECT) are
// case-insensitive and cannot be bare column names; quote them ("year" need
// not be quoted, "in" must be). Functions, arithmetic, column-to-column
// comparisons, subqueries and NULL as a comparison constant are refused.
//
// Known limitations: LF's nested-field references (`customer.id <> 1`) are
// refused, since Weir does not yet filter on STRUCT fields; LIKE ... ESCAPE
// is not part of the subset.

// A constant on the right-hand side of a predicate.
struct FilterLiteral {
  enum class Kind { kString, kNumber, kBoolean };

  Kind kind = Kind::kString;
  // kString: the unescaped value, byte for byte; kNumber: as written
  // ("-1.5e3"); kBoolean: "true" or "false".
  std::string text;
  // 1-based character position in the parsed text; 0 when built by hand.
  // Not part of equality.
  size_t position = 0;
};

struct FilterExpr {
  enum class Kind { kAnd, kOr, kNot, kCompare, kBetween, kIn, kLike, kIsNull };

  Kind kind = Kind::kCompare;
  // kAnd/kOr: 2+ children, flattened (no kAnd child under a kAnd); kNot: 1.
  std::vector<FilterExpr> children;
  // Leaves: the column name. After ParseRowFilter, as written (quotes
  // removed); after ValidateRowFilter, spelled as in the table.
  std::string column;
  // kCompare: "=", "<>", "<", "<=", ">", ">=" ("!=" is normalized to "<>").
  std::string op;
  // NOT BETWEEN, NOT IN, NOT LIKE, IS NOT NULL.
  bool negated = false;
  // kCompare 1, kBetween 2 (low, high), kIn 1+, kLike 1 (a kString), kIsNull 0.
  std::vector<FilterLiteral> values;

  // Leaves: whether `column` must match exactly (it was double-quoted, or
  // validation already resolved it); otherwise it matches case-insensitively.
  // Not part of equality.
  bool column_exact = false;
  // Leaves: 1-based character position of the column in the parsed text;
  // 0 when built by hand. Not part of equality.
  size_t position = 0;
};

// Maximum length of a filter expression, in characters (exclusive), as in
// LF's RowFilter.FilterExpression.
inline constexpr size_t kMaxRowFilterLength = 2048;
// Maximum nesting of parentheses and NOTs.
inline constexpr int kMaxRowFilterDepth = 64;

// Parses `text`, which must be valid UTF-8, non-empty and shorter than
// kMaxRowFilterLength characters. On any error returns kInvalidArgument with
// a message "row filter: <problem> at position <n>", n being the 1-based
// character position of the offending token (one past the end for a
// premature end of input). Reports the leftmost error. Never throws.
Result<FilterExpr> ParseRowFilter(std::string_view text);

// Checks a parsed `expr` against `table` and resolves its columns:
//  - every column exists: bare names match case-insensitively (an exact
//    match wins; several case-insensitive matches are ambiguous),
//    double-quoted ones exactly; `column` is rewritten to the table's
//    spelling;
//  - the column's type is filterable: strings (VARCHAR, CHAR, TEXT), numbers
//    (TINYINT … HUGEINT, the unsigned ones, FLOAT, DOUBLE, DECIMAL(p,s)),
//    BOOLEAN, DATE and TIMESTAMP (with or without time zone, _S/_MS/_NS);
//    lists, structs, maps, BLOB, UUID, INTERVAL, TIME, ENUM … cannot be
//    referenced (the table may still have them);
//  - each literal fits the type: string column ↔ string literal, number
//    column ↔ number literal, BOOLEAN ↔ TRUE/FALSE, DATE ↔ 'YYYY-MM-DD',
//    TIMESTAMP ↔ 'YYYY-MM-DD[( |T)HH:MM:SS[.ffffff]]' (a zone suffix Z or
//    ±HH[:MM] only WITH TIME ZONE), real calendar dates only;
//  - LIKE only on string columns; IS [NOT] NULL not on partition columns.
// Returns kInvalidArgument naming the column and the problem, with the
// position of the offending column or literal when `expr` came from
// ParseRowFilter. On error `*expr` is left unchanged. `expr` must not be null.
Status ValidateRowFilter(FilterExpr* expr, const catalog::Table& table);

// Canonical SQL: keywords upper-case, every column double-quoted, strings
// single-quoted with '' escapes, every predicate and connective
// parenthesized, e.g. ("i_category" = 'Electronics') or
// (("year" > 2010) AND ("country" <> 'US')). Used in explain output and as
// the stored text; ParseRowFilter(RowFilterToSql(e)) gives a tree equal to e.
// Call it on a validated expression: a bare name comes out quoted, so before
// validation it would become case-sensitive.
std::string RowFilterToSql(const FilterExpr& expr);

// Column names `expr` references, sorted and unique.
std::vector<std::string> RowFilterColumns(const FilterExpr& expr);

// Structural equality; positions and column_exact are ignored.
bool operator==(const FilterLiteral& a, const FilterLiteral& b);
bool operator==(const FilterExpr& a, const FilterExpr& b);

}  // namespace weir::access
