#include "access/row_filter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "catalog/catalog.h"

namespace weir::access {
namespace {

// ---------------------------------------------------------------------------
// Text helpers

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsIdentStart(char c) { return IsAsciiAlpha(c) || c == '_'; }
bool IsIdentPart(char c) { return IsIdentStart(c) || IsAsciiDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiUpper(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiUpper(a[i]) != AsciiUpper(b[i])) return false;
  }
  return true;
}

// 1-based character (code point) position of byte `offset` in `text`.
size_t CharPosition(std::string_view text, size_t offset) {
  size_t position = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (!IsContinuationByte(text[i])) ++position;
  }
  return position;
}

// Number of code points in `text` (which may not be valid UTF-8 yet).
size_t CharCount(std::string_view text) { return CharPosition(text, text.size()) - 1; }

// Byte length of the well-formed UTF-8 sequence starting at text[i], or 0.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  unsigned min_second = 0x80;
  unsigned max_second = 0xBF;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min_second = 0xA0;  // overlong
    if (lead == 0xED) max_second = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min_second = 0x90;  // overlong
    if (lead == 0xF4) max_second = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < min_second || byte(i + 1) > max_second) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (!IsContinuationByte(text[i + k])) return 0;
  }
  return length;
}

// `s` cut to at most `max_chars` code points, with "..." when cut.
std::string Abbreviate(std::string_view s, size_t max_chars = 24) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsContinuationByte(s[i]) && chars++ == max_chars) return std::string(s.substr(0, i)) + "...";
  }
  return std::string(s);
}

std::string QuoteString(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// Words that cannot be bare column names. SELECT is here so that a
// subquery gets a precise message.
constexpr std::array<std::string_view, 11> kKeywords = {"AND", "OR",   "NOT",  "BETWEEN", "IN",    "LIKE",
                                                        "IS",  "NULL", "TRUE", "FALSE",   "SELECT"};

bool IsKeyword(std::string_view upper) {
  return std::find(kKeywords.begin(), kKeywords.end(), upper) != kKeywords.end();
}

Status ErrorAt(std::string_view text, size_t offset, const std::string& problem) {
  return Status::InvalidArgument("row filter: " + problem + " at position " +
                                 std::to_string(CharPosition(text, offset)));
}

// ---------------------------------------------------------------------------
// Lexer

enum class TokenKind {
  kEnd,
  kWord,         // bare identifier or keyword
  kQuotedIdent,  // "..."
  kString,       // '...'
  kNumber,
  kLParen,
  kRParen,
  kComma,
  kDot,
  kCompare,  // = <> != < <= > >=
  kArith,    // + - * / % ||
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  // kWord: as written; kQuotedIdent/kString: unescaped; kNumber: as written;
  // kCompare: normalized ("!=" → "<>"); punctuation: as written.
  std::string text;
  std::string upper;  // kWord only: upper-cased, for keyword checks
  size_t offset = 0;  // byte offset of the first character
};

// Splits the filter text into tokens on demand, so that the parser reports
// the leftmost error whether it is lexical or grammatical.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Status Next(Token* token) {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    *token = Token{};
    token->offset = pos_;
    if (pos_ >= text_.size()) return Status::Ok();
    const char c = text_[pos_];
    const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    if (c == '\'') return LexQuoted(token, '\'');
    if (c == '"') return LexQuoted(token, '"');
    if (IsAsciiDigit(c) || (c == '-' && IsAsciiDigit(next))) return LexNumber(token);
    if (IsIdentStart(c)) {
      const size_t start = pos_;
      while (pos_ < text_.size() && IsIdentPart(text_[pos_])) ++pos_;
      token->kind = TokenKind::kWord;
      token->text = std::string(text_.substr(start, pos_ - start));
      token->upper = AsciiUpper(token->text);
      return Status::Ok();
    }
    if ((c == '-' && next == '-') || (c == '/' && next == '*')) {
      return ErrorAt(text_, pos_, "comments are not supported");
    }
    switch (c) {
      case '(':
        return Single(token, TokenKind::kLParen);
      case ')':
        return Single(token, TokenKind::kRParen);
      case ',':
        return Single(token, TokenKind::kComma);
      case '.':
        return Single(token, TokenKind::kDot);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return Single(token, TokenKind::kArith);
      case '=':
        return Single(token, TokenKind::kCompare);
      case '<':
      case '>':
        if (next == '=' || (c == '<' && next == '>')) return Double(token, TokenKind::kCompare);
        return Single(token, TokenKind::kCompare);
      case '!':
        if (next == '=') {
          token->kind = TokenKind::kCompare;
          token->text = "<>";  // the SQL spelling
          pos_ += 2;
          return Status::Ok();
        }
        break;
      case '|':
        if (next == '|') return Double(token, TokenKind::kArith);
        break;
      default:
        break;
    }
    const size_t length = std::max<size_t>(1, Utf8SequenceLength(text_, pos_));
    return ErrorAt(text_, pos_, "unexpected character '" + std::string(text_.substr(pos_, length)) + "'");
  }

 private:
  Status Single(Token* token, TokenKind kind) {
    token->kind = kind;
    token->text = std::string(1, text_[pos_]);
    ++pos_;
    return Status::Ok();
  }

  Status Double(Token* token, TokenKind kind) {
    token->kind = kind;
    token->text = std::string(text_.substr(pos_, 2));
    pos_ += 2;
    return Status::Ok();
  }

  // A '...' string or "..." identifier; a doubled quote stands for one.
  Status LexQuoted(Token* token, char quote) {
    const size_t start = pos_;
    std::string value;
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) {
        return ErrorAt(text_, start, quote == '\'' ? "unterminated string" : "unterminated quoted identifier");
      }
      const char c = text_[pos_++];
      if (c != quote) {
        value += c;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == quote) {
        value += quote;
        ++pos_;
        continue;
      }
      break;
    }
    if (quote == '"' && value.empty()) return ErrorAt(text_, start, "empty quoted identifier \"\"");
    token->kind = quote == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent;
    token->text = std::move(value);
    return Status::Ok();
  }

  // -?digits(.digits)?([eE][+-]?digits)?, not followed by a letter, digit,
  // '_' or '.'.
  Status LexNumber(Token* token) {
    const size_t start = pos_;
    const auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < text_.size() && IsAsciiDigit(text_[pos_])) ++pos_;
      return pos_ > from;
    };
    const auto at = [&](size_t i) { return i < text_.size() ? text_[i] : '\0'; };
    bool ok = true;
    if (at(pos_) == '-') ++pos_;
    digits();
    if (at(pos_) == '.') {
      ++pos_;
      ok = digits();
    }
    if (ok && (at(pos_) == 'e' || at(pos_) == 'E')) {
      ++pos_;
      if (at(pos_) == '+' || at(pos_) == '-') ++pos_;
      ok = digits();
    }
    if (!ok || IsIdentPart(at(pos_)) || at(pos_) == '.') {
      size_t end = pos_;
      while (end < text_.size() && (IsIdentPart(text_[end]) || text_[end] == '.')) ++end;
      return ErrorAt(text_, start, "malformed number '" + Abbreviate(text_.substr(start, end - start)) + "'");
    }
    token->kind = TokenKind::kNumber;
    token->text = std::string(text_.substr(start, pos_ - start));
    double value = 0;
    const auto [ptr, ec] = std::from_chars(token->text.data(), token->text.data() + token->text.size(), value);
    if (ec == std::errc::result_out_of_range) {
      return ErrorAt(text_, start, "number " + Abbreviate(token->text) + " is out of range");
    }
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------
// Parser

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexer_(text) {}

  Result<FilterExpr> Parse() {
    WEIR_RETURN_IF_ERROR(Advance());
    if (current_.kind == TokenKind::kEnd) return Error("the filter is empty");
    WEIR_ASSIGN_OR_RETURN(FilterExpr expr, ParseOr());
    if (current_.kind != TokenKind::kEnd) {
      if (current_.kind == TokenKind::kRParen) return Error("unbalanced ')'");
      if (IsArithmetic(current_)) return ArithmeticError();
      return Error("expected AND, OR or the end of the filter, found " + Describe(current_));
    }
    return expr;
  }

 private:
  Status Advance() { return lexer_.Next(&current_); }

  Status Error(const std::string& problem) const { return ErrorAt(text_, current_.offset, problem); }
  Status ErrorAtToken(const Token& token, const std::string& problem) const {
    return ErrorAt(text_, token.offset, problem);
  }

  bool AtKeyword(std::string_view upper) const { return current_.kind == TokenKind::kWord && current_.upper == upper; }

  static bool IsArithmetic(const Token& token) {
    return token.kind == TokenKind::kArith || (token.kind == TokenKind::kNumber && token.text[0] == '-');
  }

  Status ArithmeticError() const {
    const std::string op = current_.kind == TokenKind::kArith ? current_.text : "-";
    return Error("arithmetic and operators such as '" + op + "' are not supported");
  }

  static std::string Describe(const Token& token) {
    switch (token.kind) {
      case TokenKind::kEnd:
        return "the end of the filter";
      case TokenKind::kWord:
        if (IsKeyword(token.upper)) return "keyword " + token.upper;
        return "'" + Abbreviate(token.text) + "'";
      case TokenKind::kQuotedIdent:
        return "column " + QuoteIdentifier(Abbreviate(token.text));
      case TokenKind::kString:
        return "string " + QuoteString(Abbreviate(token.text));
      case TokenKind::kNumber:
        return "number " + token.text;
      default:
        return "'" + token.text + "'";
    }
  }

  Status EnterNesting() {
    if (++depth_ > kMaxRowFilterDepth) {
      return Error("nesting deeper than " + std::to_string(kMaxRowFilterDepth) + " levels");
    }
    return Status::Ok();
  }

  // Appends `child` to the kAnd/kOr `parent`, splicing in the children of a
  // child of the same kind.
  static void AppendFlattened(FilterExpr* parent, FilterExpr child) {
    if (child.kind == parent->kind) {
      for (FilterExpr& grandchild : child.children) parent->children.push_back(std::move(grandchild));
    } else {
      parent->children.push_back(std::move(child));
    }
  }

  Result<FilterExpr> ParseOr() { return ParseConnective(FilterExpr::Kind::kOr, "OR"); }
  Result<FilterExpr> ParseAnd() { return ParseConnective(FilterExpr::Kind::kAnd, "AND"); }

  // or := and (OR and)*;  and := not (AND not)*
  Result<FilterExpr> ParseConnective(FilterExpr::Kind kind, std::string_view keyword) {
    const auto operand = [&]() { return kind == FilterExpr::Kind::kOr ? ParseAnd() : ParseNot(); };
    WEIR_ASSIGN_OR_RETURN(FilterExpr first, operand());
    if (!AtKeyword(keyword)) return first;
    FilterExpr node;
    node.kind = kind;
    AppendFlattened(&node, std::move(first));
    while (AtKeyword(keyword)) {
      WEIR_RETURN_IF_ERROR(Advance());
      WEIR_ASSIGN_OR_RETURN(FilterExpr next, operand());
      AppendFlattened(&node, std::move(next));
    }
    return node;
  }

  // not := NOT not | primary
  Result<FilterExpr> ParseNot() {
    if (!AtKeyword("NOT")) return ParsePrimary();
    WEIR_RETURN_IF_ERROR(EnterNesting());
    WEIR_RETURN_IF_ERROR(Advance());
    WEIR_ASSIGN_OR_RETURN(FilterExpr child, ParseNot());
    --depth_;
    FilterExpr node;
    node.kind = FilterExpr::Kind::kNot;
    node.children.push_back(std::move(child));
    return node;
  }

  // primary := '(' expr ')' | predicate
  Result<FilterExpr> ParsePrimary() {
    if (current_.kind != TokenKind::kLParen) return ParsePredicate();
    WEIR_RETURN_IF_ERROR(EnterNesting());
    WEIR_RETURN_IF_ERROR(Advance());
    if (AtKeyword("SELECT")) return Error("subqueries are not supported");
    if (current_.kind == TokenKind::kRParen) return Error("empty parentheses");
    WEIR_ASSIGN_OR_RETURN(FilterExpr expr, ParseOr());
    if (current_.kind != TokenKind::kRParen) {
      if (current_.kind == TokenKind::kEnd) return Error("missing ')'");
      if (IsArithmetic(current_)) return ArithmeticError();
      return Error("expected AND, OR or ')', found " + Describe(current_));
    }
    --depth_;
    WEIR_RETURN_IF_ERROR(Advance());
    return expr;
  }

  Result<FilterExpr> ParsePredicate() {
    const Token column = current_;
    if (column.kind == TokenKind::kWord && IsKeyword(column.upper)) {
      if (column.upper == "SELECT") return Error("subqueries are not supported");
      if (column.upper == "TRUE" || column.upper == "FALSE" || column.upper == "NULL") {
        return Error("expected a column name, found keyword " + column.upper +
                     " (a predicate is <column> <operator> <constant>)");
      }
      return Error("expected a column name, found keyword " + column.upper +
                   " (a column named like a keyword must be double-quoted: " + QuoteIdentifier(column.text) + ")");
    }
    if (column.kind == TokenKind::kString || column.kind == TokenKind::kNumber) {
      return Error("expected a column name, found " + Describe(column) +
                   " (the column goes first: <column> <operator> <constant>)");
    }
    if (column.kind == TokenKind::kArith) return ArithmeticError();
    if (column.kind != TokenKind::kWord && column.kind != TokenKind::kQuotedIdent) {
      return Error("expected a column name, found " + Describe(column));
    }
    WEIR_RETURN_IF_ERROR(Advance());
    if (current_.kind == TokenKind::kLParen) {
      return ErrorAtToken(column, "functions are not supported ('" + Abbreviate(column.text) + "(...)')");
    }
    if (current_.kind == TokenKind::kDot) {
      return ErrorAtToken(column, "nested field references are not supported ('" + Abbreviate(column.text) + ".')");
    }

    FilterExpr leaf;
    leaf.column = column.text;
    leaf.column_exact = column.kind == TokenKind::kQuotedIdent;
    leaf.position = CharPosition(text_, column.offset);
    const std::string column_name = QuoteIdentifier(Abbreviate(column.text));

    if (current_.kind == TokenKind::kCompare) {
      leaf.kind = FilterExpr::Kind::kCompare;
      leaf.op = current_.text;
      const std::string after = "'" + current_.text + "'";
      WEIR_RETURN_IF_ERROR(Advance());
      WEIR_ASSIGN_OR_RETURN(FilterLiteral value, ParseLiteral(after));
      leaf.values.push_back(std::move(value));
      return leaf;
    }
    if (AtKeyword("IS")) {
      leaf.kind = FilterExpr::Kind::kIsNull;
      WEIR_RETURN_IF_ERROR(Advance());
      if (AtKeyword("NOT")) {
        leaf.negated = true;
        WEIR_RETURN_IF_ERROR(Advance());
      }
      if (!AtKeyword("NULL")) {
        return Error(std::string("expected NULL after ") + (leaf.negated ? "IS NOT" : "IS") + ", found " +
                     Describe(current_));
      }
      WEIR_RETURN_IF_ERROR(Advance());
      return leaf;
    }
    if (AtKeyword("NOT")) {
      leaf.negated = true;
      WEIR_RETURN_IF_ERROR(Advance());
      if (!AtKeyword("BETWEEN") && !AtKeyword("IN") && !AtKeyword("LIKE")) {
        return Error("expected BETWEEN, IN or LIKE after NOT, found " + Describe(current_));
      }
    }
    const std::string negation = leaf.negated ? "NOT " : "";
    if (AtKeyword("BETWEEN")) {
      leaf.kind = FilterExpr::Kind::kBetween;
      WEIR_RETURN_IF_ERROR(Advance());
      WEIR_ASSIGN_OR_RETURN(FilterLiteral low, ParseLiteral(negation + "BETWEEN"));
      if (!AtKeyword("AND")) {
        if (IsArithmetic(current_)) return ArithmeticError();
        return Error("expected AND between the bounds of BETWEEN, found " + Describe(current_));
      }
      WEIR_RETURN_IF_ERROR(Advance());
      WEIR_ASSIGN_OR_RETURN(FilterLiteral high, ParseLiteral("BETWEEN ... AND"));
      leaf.values.push_back(std::move(low));
      leaf.values.push_back(std::move(high));
      return leaf;
    }
    if (AtKeyword("IN")) {
      leaf.kind = FilterExpr::Kind::kIn;
      WEIR_RETURN_IF_ERROR(Advance());
      if (current_.kind != TokenKind::kLParen) return Error("expected '(' after " + negation + "IN");
      WEIR_RETURN_IF_ERROR(Advance());
      if (AtKeyword("SELECT")) return Error("subqueries are not supported");
      if (current_.kind == TokenKind::kRParen) return Error("empty IN list");
      std::string after = "'('";
      while (true) {
        WEIR_ASSIGN_OR_RETURN(FilterLiteral value, ParseLiteral(after));
        leaf.values.push_back(std::move(value));
        if (current_.kind == TokenKind::kRParen) break;
        if (current_.kind != TokenKind::kComma) {
          if (current_.kind == TokenKind::kEnd) return Error("missing ')' to close the IN list");
          if (IsArithmetic(current_)) return ArithmeticError();
          return Error("expected ',' or ')' in the IN list, found " + Describe(current_));
        }
        after = "','";
        WEIR_RETURN_IF_ERROR(Advance());
      }
      WEIR_RETURN_IF_ERROR(Advance());
      return leaf;
    }
    if (AtKeyword("LIKE")) {
      leaf.kind = FilterExpr::Kind::kLike;
      WEIR_RETURN_IF_ERROR(Advance());
      const Token pattern = current_;
      WEIR_ASSIGN_OR_RETURN(FilterLiteral value, ParseLiteral(negation + "LIKE"));
      if (value.kind != FilterLiteral::Kind::kString) {
        return ErrorAtToken(pattern,
                            negation + "LIKE needs a string pattern in single quotes, found " + Describe(pattern));
      }
      leaf.values.push_back(std::move(value));
      return leaf;
    }
    if (IsArithmetic(current_)) return ArithmeticError();
    return Error("expected an operator after column " + column_name + ", found " + Describe(current_));
  }

  // A constant; `after` names what precedes it, for messages.
  Result<FilterLiteral> ParseLiteral(const std::string& after) {
    FilterLiteral literal;
    literal.position = CharPosition(text_, current_.offset);
    const Token token = current_;
    if (token.kind == TokenKind::kString) {
      literal.kind = FilterLiteral::Kind::kString;
      literal.text = token.text;
    } else if (token.kind == TokenKind::kNumber) {
      literal.kind = FilterLiteral::Kind::kNumber;
      literal.text = token.text;
    } else if (token.kind == TokenKind::kWord && (token.upper == "TRUE" || token.upper == "FALSE")) {
      literal.kind = FilterLiteral::Kind::kBoolean;
      literal.text = token.upper == "TRUE" ? "true" : "false";
    } else if (token.kind == TokenKind::kWord && token.upper == "NULL") {
      return Error("NULL is not a constant; use IS NULL or IS NOT NULL");
    } else if (token.kind == TokenKind::kWord && token.upper == "SELECT") {
      return Error("subqueries are not supported");
    } else if ((token.kind == TokenKind::kWord && !IsKeyword(token.upper)) || token.kind == TokenKind::kQuotedIdent) {
      WEIR_RETURN_IF_ERROR(Advance());
      if (current_.kind == TokenKind::kLParen) {
        return ErrorAtToken(token, "functions are not supported ('" + Abbreviate(token.text) + "(...)')");
      }
      return ErrorAtToken(token, "expected a constant after " + after + ", found column " +
                                     QuoteIdentifier(Abbreviate(token.text)) +
                                     " (comparing two columns is not supported; strings take single quotes)");
    } else if (token.kind == TokenKind::kLParen) {
      WEIR_RETURN_IF_ERROR(Advance());
      if (AtKeyword("SELECT")) return Error("subqueries are not supported");
      return ErrorAtToken(token, "expected a constant after " + after + ", found '('");
    } else {
      return Error("expected a constant after " + after + ", found " + Describe(token));
    }
    WEIR_RETURN_IF_ERROR(Advance());
    if (IsArithmetic(current_)) return ArithmeticError();
    return literal;
  }

  std::string_view text_;
  Lexer lexer_;
  Token current_;
  int depth_ = 0;
};

// Refuses over-long text, malformed UTF-8 and control characters before
// lexing, so the lexer can assume clean input.
Status CheckText(std::string_view text) {
  if (CharCount(text) >= kMaxRowFilterLength) {
    size_t offset = 0;
    for (size_t chars = 0; offset < text.size(); ++offset) {
      if (!IsContinuationByte(text[offset]) && chars++ == kMaxRowFilterLength - 1) break;
    }
    return ErrorAt(text, offset,
                   "the filter must be shorter than " + std::to_string(kMaxRowFilterLength) + " characters (it has " +
                       std::to_string(CharCount(text)) + ")");
  }
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return ErrorAt(text, i, "invalid UTF-8");
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && !IsSpace(text[i])) || byte == 0x7F) {
      return ErrorAt(text, i, "control character " + std::to_string(byte) + " is not allowed");
    }
    i += length;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Validation

enum class TypeClass { kString, kNumber, kBoolean, kDate, kTimestamp, kTimestampTz, kUnsupported };

struct ColumnType {
  TypeClass type_class = TypeClass::kUnsupported;
  int max_fraction_digits = 6;  // timestamps: digits allowed after the seconds
};

// "(digits)" or "(digits,digits)", spaces allowed around the numbers.
bool IsTypeModifier(std::string_view s, bool allow_two) {
  if (s.size() < 3 || s.front() != '(' || s.back() != ')') return false;
  int numbers = 0;
  bool in_digits = false;
  bool need_number = true;
  for (char c : s.substr(1, s.size() - 2)) {
    if (IsAsciiDigit(c)) {
      if (!in_digits && !need_number) return false;  // "(7 2)"
      if (!in_digits) ++numbers;
      in_digits = true;
      need_number = false;
    } else if (c == ' ') {
      in_digits = false;
    } else if (c == ',') {
      if (need_number) return false;
      in_digits = false;
      need_number = true;
    } else {
      return false;
    }
  }
  return !need_number && (numbers == 1 || (allow_two && numbers == 2));
}

ColumnType ClassifyType(std::string_view type) {
  // Upper-case with runs of spaces collapsed and ends trimmed.
  std::string t;
  for (char c : type) {
    if (IsSpace(c)) {
      if (!t.empty() && t.back() != ' ') t += ' ';
    } else {
      t += AsciiUpper(c);
    }
  }
  if (!t.empty() && t.back() == ' ') t.pop_back();
  const std::string_view v = t;
  const auto with_modifier = [&](std::string_view base, bool allow_two) {
    return v == base || (v.substr(0, base.size()) == base && IsTypeModifier(v.substr(base.size()), allow_two));
  };

  ColumnType result;
  if (with_modifier("VARCHAR", false) || with_modifier("CHAR", false) || with_modifier("BPCHAR", false) ||
      v == "TEXT" || v == "STRING") {
    result.type_class = TypeClass::kString;
  } else if (v == "TINYINT" || v == "SMALLINT" || v == "INTEGER" || v == "INT" || v == "BIGINT" || v == "HUGEINT" ||
             v == "UTINYINT" || v == "USMALLINT" || v == "UINTEGER" || v == "UBIGINT" || v == "UHUGEINT" ||
             v == "FLOAT" || v == "REAL" || v == "DOUBLE" || with_modifier("DECIMAL", true) ||
             with_modifier("NUMERIC", true)) {
    result.type_class = TypeClass::kNumber;
  } else if (v == "BOOLEAN" || v == "BOOL") {
    result.type_class = TypeClass::kBoolean;
  } else if (v == "DATE") {
    result.type_class = TypeClass::kDate;
  } else if (v == "TIMESTAMP" || v == "DATETIME" || v == "TIMESTAMP_S" || v == "TIMESTAMP_MS" || v == "TIMESTAMP_US" ||
             v == "TIMESTAMP_NS") {
    result.type_class = TypeClass::kTimestamp;
    if (v == "TIMESTAMP_NS") result.max_fraction_digits = 9;
  } else if (v == "TIMESTAMP WITH TIME ZONE" || v == "TIMESTAMPTZ") {
    result.type_class = TypeClass::kTimestampTz;
  }
  return result;
}

// Reads exactly `count` digits at s[*i] into *value.
bool ReadDigits(std::string_view s, size_t* i, size_t count, int* value) {
  if (*i + count > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < count; ++k) {
    const char c = s[*i + k];
    if (!IsAsciiDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *i += count;
  *value = v;
  return true;
}

bool Expect(std::string_view s, size_t* i, char c) {
  if (*i >= s.size() || s[*i] != c) return false;
  ++*i;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// YYYY-MM-DD with a real calendar date, year 0001-9999.
bool ReadDate(std::string_view s, size_t* i) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!ReadDigits(s, i, 4, &year) || !Expect(s, i, '-') || !ReadDigits(s, i, 2, &month) || !Expect(s, i, '-') ||
      !ReadDigits(s, i, 2, &day)) {
    return false;
  }
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

bool IsIsoDate(std::string_view s) {
  size_t i = 0;
  return ReadDate(s, &i) && i == s.size();
}

// YYYY-MM-DD[( |T)HH:MM:SS[.f{1,max_fraction}][zone]], zone (only when
// `allow_zone`) being Z or ±HH[[:]MM].
bool IsIsoTimestamp(std::string_view s, int max_fraction_digits, bool allow_zone) {
  size_t i = 0;
  if (!ReadDate(s, &i)) return false;
  if (i == s.size()) return true;
  if (s[i] != ' ' && s[i] != 'T') return false;
  ++i;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!ReadDigits(s, &i, 2, &hour) || !Expect(s, &i, ':') || !ReadDigits(s, &i, 2, &minute) || !Expect(s, &i, ':') ||
      !ReadDigits(s, &i, 2, &second)) {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && IsAsciiDigit(s[i])) {
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > max_fraction_digits) return false;
  }
  if (i == s.size()) return true;
  if (!allow_zone) return false;
  if (s[i] == 'Z') return i + 1 == s.size();
  if (s[i] != '+' && s[i] != '-') return false;
  ++i;
  int zone_hour = 0;
  int zone_minute = 0;
  if (!ReadDigits(s, &i, 2, &zone_hour) || zone_hour > 15) return false;
  if (i == s.size()) return true;
  Expect(s, &i, ':');
  return ReadDigits(s, &i, 2, &zone_minute) && zone_minute <= 59 && i == s.size();
}

std::string DescribeLiteral(const FilterLiteral& literal) {
  switch (literal.kind) {
    case FilterLiteral::Kind::kString:
      return "the string " + QuoteString(Abbreviate(literal.text));
    case FilterLiteral::Kind::kNumber:
      return "the number " + literal.text;
    case FilterLiteral::Kind::kBoolean:
      return literal.text == "true" ? "TRUE" : "FALSE";
  }
  return "a constant";
}

class Validator {
 public:
  explicit Validator(const catalog::Table& table) : table_(table) {}

  Status Validate(FilterExpr* expr) const {
    switch (expr->kind) {
      case FilterExpr::Kind::kAnd:
      case FilterExpr::Kind::kOr:
      case FilterExpr::Kind::kNot:
        if (expr->children.empty() || (expr->kind == FilterExpr::Kind::kNot && expr->children.size() != 1)) {
          return Status::InvalidArgument("row filter: malformed expression (a connective without operands)");
        }
        for (FilterExpr& child : expr->children) WEIR_RETURN_IF_ERROR(Validate(&child));
        return Status::Ok();
      default:
        return ValidateLeaf(expr);
    }
  }

 private:
  static Status Error(size_t position, const std::string& problem) {
    std::string message = "row filter: " + problem;
    if (position > 0) message += " at position " + std::to_string(position);
    return Status::InvalidArgument(std::move(message));
  }

  // Index of the column `expr` names, or an error.
  Result<size_t> Resolve(const FilterExpr& expr) const {
    const std::vector<catalog::Column>& columns = table_.columns;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == expr.column) return i;
    }
    const std::string name = QuoteIdentifier(expr.column);
    std::vector<size_t> matches;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (EqualsIgnoreCase(columns[i].name, expr.column)) matches.push_back(i);
    }
    if (expr.column_exact || matches.empty()) {
      std::string problem = "column " + name + " does not exist in table " + table_.QualifiedName();
      if (!matches.empty()) {
        problem += " (quoted names match exactly; did you mean " + QuoteIdentifier(columns[matches[0]].name) + "?)";
      }
      return Error(expr.position, problem);
    }
    if (matches.size() > 1) {
      return Error(expr.position, "column " + name + " is ambiguous in table " + table_.QualifiedName() + " (" +
                                      QuoteIdentifier(columns[matches[0]].name) + ", " +
                                      QuoteIdentifier(columns[matches[1]].name) + "); double-quote the exact name");
    }
    return matches[0];
  }

  Status ValidateLeaf(FilterExpr* expr) const {
    WEIR_ASSIGN_OR_RETURN(size_t index, Resolve(*expr));
    const catalog::Column& column = table_.columns[index];
    const std::string name = QuoteIdentifier(column.name);
    const ColumnType type = ClassifyType(column.type);
    if (type.type_class == TypeClass::kUnsupported) {
      return Error(expr->position, "column " + name + " has type " + column.type +
                                       ", which row filters cannot reference (only strings, numbers, BOOLEAN, "
                                       "DATE and TIMESTAMP)");
    }
    // Hand-built trees may be malformed; parsed ones never are.
    const size_t values = expr->values.size();
    const bool values_ok = expr->kind == FilterExpr::Kind::kIn        ? values >= 1
                           : expr->kind == FilterExpr::Kind::kBetween ? values == 2
                           : expr->kind == FilterExpr::Kind::kIsNull  ? values == 0
                                                                      : values == 1;
    if (!values_ok) {
      return Error(expr->position, "malformed predicate on column " + name + " (wrong number of constants)");
    }
    if (expr->kind == FilterExpr::Kind::kCompare) {
      static constexpr std::array<std::string_view, 6> kOps = {"=", "<>", "<", "<=", ">", ">="};
      if (std::find(kOps.begin(), kOps.end(), expr->op) == kOps.end()) {
        return Error(expr->position, "unknown comparison operator '" + expr->op + "' on column " + name);
      }
    }
    if (expr->kind == FilterExpr::Kind::kIsNull && column.partition) {
      return Error(expr->position, std::string(expr->negated ? "IS NOT NULL" : "IS NULL") +
                                       " is not allowed on partition column " + name);
    }
    if (expr->kind == FilterExpr::Kind::kLike && type.type_class != TypeClass::kString) {
      return Error(expr->position, "LIKE needs a string column; column " + name + " is " + column.type);
    }
    for (const FilterLiteral& literal : expr->values) {
      WEIR_RETURN_IF_ERROR(CheckLiteral(column, type, literal));
    }
    expr->column = column.name;
    expr->column_exact = true;
    return Status::Ok();
  }

  static Status CheckLiteral(const catalog::Column& column, const ColumnType& type, const FilterLiteral& literal) {
    const std::string prefix = "column " + QuoteIdentifier(column.name) + " is " + column.type + "; ";
    const std::string found = ", found " + DescribeLiteral(literal);
    switch (type.type_class) {
      case TypeClass::kString:
        if (literal.kind == FilterLiteral::Kind::kString) return Status::Ok();
        return Error(literal.position, prefix + "expected a string in single quotes" + found);
      case TypeClass::kNumber:
        if (literal.kind == FilterLiteral::Kind::kNumber) return Status::Ok();
        return Error(literal.position, prefix + "expected a number" + found);
      case TypeClass::kBoolean:
        if (literal.kind == FilterLiteral::Kind::kBoolean) return Status::Ok();
        return Error(literal.position, prefix + "expected TRUE or FALSE" + found);
      case TypeClass::kDate:
        if (literal.kind == FilterLiteral::Kind::kString && IsIsoDate(literal.text)) return Status::Ok();
        return Error(literal.position, prefix + "expected a date 'YYYY-MM-DD'" + found);
      case TypeClass::kTimestamp:
      case TypeClass::kTimestampTz: {
        const bool zone = type.type_class == TypeClass::kTimestampTz;
        if (literal.kind == FilterLiteral::Kind::kString &&
            IsIsoTimestamp(literal.text, type.max_fraction_digits, zone)) {
          return Status::Ok();
        }
        const std::string fraction(static_cast<size_t>(type.max_fraction_digits), 'f');
        return Error(literal.position, prefix + "expected a timestamp 'YYYY-MM-DD[ HH:MM:SS[." + fraction + "]" +
                                           (zone ? "[Z|+HH:MM]" : "") + "]'" + found);
      }
      case TypeClass::kUnsupported:
        break;
    }
    return Error(literal.position, prefix + "cannot be compared");
  }

  const catalog::Table& table_;
};

// ---------------------------------------------------------------------------
// Printing

void AppendLiteralSql(const FilterLiteral& literal, std::string* out) {
  switch (literal.kind) {
    case FilterLiteral::Kind::kString:
      *out += QuoteString(literal.text);
      return;
    case FilterLiteral::Kind::kNumber:
      *out += literal.text;
      return;
    case FilterLiteral::Kind::kBoolean:
      *out += literal.text == "true" ? "TRUE" : "FALSE";
      return;
  }
}

void AppendSql(const FilterExpr& expr, std::string* out) {
  *out += '(';
  switch (expr.kind) {
    case FilterExpr::Kind::kAnd:
    case FilterExpr::Kind::kOr:
      for (size_t i = 0; i < expr.children.size(); ++i) {
        if (i > 0) *out += expr.kind == FilterExpr::Kind::kAnd ? " AND " : " OR ";
        AppendSql(expr.children[i], out);
      }
      break;
    case FilterExpr::Kind::kNot:
      *out += "NOT ";
      if (!expr.children.empty()) AppendSql(expr.children[0], out);
      break;
    case FilterExpr::Kind::kCompare:
      *out += QuoteIdentifier(expr.column) + " " + expr.op + " ";
      if (!expr.values.empty()) AppendLiteralSql(expr.values[0], out);
      break;
    case FilterExpr::Kind::kBetween:
      *out += QuoteIdentifier(expr.column) + (expr.negated ? " NOT BETWEEN " : " BETWEEN ");
      if (expr.values.size() == 2) {
        AppendLiteralSql(expr.values[0], out);
        *out += " AND ";
        AppendLiteralSql(expr.values[1], out);
      }
      break;
    case FilterExpr::Kind::kIn:
      *out += QuoteIdentifier(expr.column) + (expr.negated ? " NOT IN (" : " IN (");
      for (size_t i = 0; i < expr.values.size(); ++i) {
        if (i > 0) *out += ", ";
        AppendLiteralSql(expr.values[i], out);
      }
      *out += ')';
      break;
    case FilterExpr::Kind::kLike:
      *out += QuoteIdentifier(expr.column) + (expr.negated ? " NOT LIKE " : " LIKE ");
      if (!expr.values.empty()) AppendLiteralSql(expr.values[0], out);
      break;
    case FilterExpr::Kind::kIsNull:
      *out += QuoteIdentifier(expr.column) + (expr.negated ? " IS NOT NULL" : " IS NULL");
      break;
  }
  *out += ')';
}

void CollectColumns(const FilterExpr& expr, std::vector<std::string>* out) {
  if (expr.kind == FilterExpr::Kind::kAnd || expr.kind == FilterExpr::Kind::kOr ||
      expr.kind == FilterExpr::Kind::kNot) {
    for (const FilterExpr& child : expr.children) CollectColumns(child, out);
  } else {
    out->push_back(expr.column);
  }
}

}  // namespace

Result<FilterExpr> ParseRowFilter(std::string_view text) {
  WEIR_RETURN_IF_ERROR(CheckText(text));
  return Parser(text).Parse();
}

Status ValidateRowFilter(FilterExpr* expr, const catalog::Table& table) {
  // Work on a copy so a failure leaves the caller's tree untouched.
  FilterExpr copy = *expr;
  WEIR_RETURN_IF_ERROR(Validator(table).Validate(&copy));
  *expr = std::move(copy);
  return Status::Ok();
}

std::string RowFilterToSql(const FilterExpr& expr) {
  std::string out;
  AppendSql(expr, &out);
  return out;
}

std::vector<std::string> RowFilterColumns(const FilterExpr& expr) {
  std::vector<std::string> columns;
  CollectColumns(expr, &columns);
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  return columns;
}

bool operator==(const FilterLiteral& a, const FilterLiteral& b) { return a.kind == b.kind && a.text == b.text; }

bool operator==(const FilterExpr& a, const FilterExpr& b) {
  return a.kind == b.kind && a.children == b.children && a.column == b.column && a.op == b.op &&
         a.negated == b.negated && a.values == b.values;
}

}  // namespace weir::access
