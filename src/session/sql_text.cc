#include "session/sql_text.h"

#include <cctype>

namespace weir::session {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$'; }

// Returns the end of the lexical element that starts at `i` when it is a
// string, quoted identifier or comment (so its contents are skipped), else i.
// `value` receives the unquoted contents of strings and identifiers; `open`
// is set when the element runs to the end of the text unterminated.
size_t SkipQuoted(std::string_view s, size_t i, std::string* value, bool* open = nullptr) {
  const size_t n = s.size();
  char c = s[i];
  if (c == '-' && i + 1 < n && s[i + 1] == '-') {
    while (i < n && s[i] != '\n') i++;
    return i;
  }
  if (c == '/' && i + 1 < n && s[i + 1] == '*') {
    int depth = 0;
    while (i < n) {
      if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
        depth++;
        i += 2;
      } else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
        depth--;
        i += 2;
        if (depth == 0) return i;
      } else {
        i++;
      }
    }
    if (open) *open = true;
    return n;
  }
  bool escapes = false;
  if ((c == 'e' || c == 'E') && i + 1 < n && s[i + 1] == '\'' && (i == 0 || !IsIdentChar(s[i - 1]))) {
    escapes = true;
    i++;
    c = '\'';
  }
  if (c == '\'' || c == '"') {
    char quote = c;
    i++;
    while (i < n) {
      if (escapes && s[i] == '\\' && i + 1 < n) {
        // E'' escapes: \b \f \n \r \t, \ooo octal, \xhh hex; any other
        // character stands for itself (\uXXXX is left as the letter u).
        char e = s[i + 1];
        i += 2;
        if (!value) continue;
        switch (e) {
          case 'b':
            value->push_back('\b');
            break;
          case 'f':
            value->push_back('\f');
            break;
          case 'n':
            value->push_back('\n');
            break;
          case 'r':
            value->push_back('\r');
            break;
          case 't':
            value->push_back('\t');
            break;
          case 'x': {
            int digits = 0, code = 0;
            while (digits < 2 && i < n && std::isxdigit(static_cast<unsigned char>(s[i]))) {
              code = code * 16 +
                     (std::isdigit(static_cast<unsigned char>(s[i])) ? s[i] - '0' : (std::tolower(s[i]) - 'a' + 10));
              i++;
              digits++;
            }
            if (digits == 0) {
              value->push_back('x');
            } else {
              value->push_back(static_cast<char>(code));
            }
            break;
          }
          case 'u':
          case 'U': {
            // \uXXXX, \UXXXXXXXX: a code point, written as UTF-8.
            int want = e == 'u' ? 4 : 8, digits = 0;
            uint32_t cp = 0;
            while (digits < want && i < n && std::isxdigit(static_cast<unsigned char>(s[i]))) {
              cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(s[i]))
                                                       ? s[i] - '0'
                                                       : std::tolower(s[i]) - 'a' + 10);
              i++;
              digits++;
            }
            if (digits != want || cp > 0x10FFFF) {
              value->push_back(e);
            } else if (cp < 0x80) {
              value->push_back(static_cast<char>(cp));
            } else if (cp < 0x800) {
              value->push_back(static_cast<char>(0xC0 | (cp >> 6)));
              value->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else if (cp < 0x10000) {
              value->push_back(static_cast<char>(0xE0 | (cp >> 12)));
              value->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
              value->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else {
              value->push_back(static_cast<char>(0xF0 | (cp >> 18)));
              value->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
              value->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
              value->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            }
            break;
          }
          default:
            if (e >= '0' && e <= '7') {
              int code = e - '0', digits = 1;
              while (digits < 3 && i < n && s[i] >= '0' && s[i] <= '7') {
                code = code * 8 + (s[i] - '0');
                i++;
                digits++;
              }
              value->push_back(static_cast<char>(code));
            } else {
              value->push_back(e);
            }
        }
        continue;
      }
      if (s[i] == quote) {
        if (i + 1 < n && s[i + 1] == quote) {
          if (value) value->push_back(quote);
          i += 2;
          continue;
        }
        return i + 1;
      }
      if (value) value->push_back(s[i]);
      i++;
    }
    if (open) *open = true;
    return n;
  }
  if (c == '$' && (i == 0 || !IsIdentChar(s[i - 1]))) {
    // $tag$ … $tag$ (tag empty or an identifier).
    size_t j = i + 1;
    while (j < n && s[j] != '$' && IsIdentChar(s[j])) j++;
    if (j < n && s[j] == '$' && (j == i + 1 || IsIdentStart(s[i + 1]))) {
      std::string_view tag = s.substr(i, j - i + 1);
      size_t end = s.find(tag, j + 1);
      if (value) value->assign(s.substr(j + 1, (end == std::string_view::npos ? n : end) - j - 1));
      if (end == std::string_view::npos && open) *open = true;
      return end == std::string_view::npos ? n : end + tag.size();
    }
  }
  return i;
}

std::string_view Trim(std::string_view s, size_t* lead) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) b++;
  while (e > b && IsSpace(s[e - 1])) e--;
  *lead = b;
  return s.substr(b, e - b);
}

}  // namespace

bool IsBlank(std::string_view sql) { return Tokenize(sql, 1).empty(); }

Status CheckTerminated(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    bool open = false;
    size_t skipped = SkipQuoted(sql, i, nullptr, &open);
    if (open) {
      char c = sql[i];
      const char* what = c == '/'   ? "unterminated /* comment"
                         : c == '"' ? "unterminated quoted identifier"
                         : c == '$' ? "unterminated dollar-quoted string"
                                    : "unterminated quoted string";
      constexpr size_t kShown = 40;
      std::string near(sql.substr(i, kShown));
      if (sql.size() - i > kShown) near += "...";
      return Status::SyntaxError(std::string(what) + " at or near \"" + near + "\"");
    }
    i = skipped == i ? i + 1 : skipped;
  }
  return Status::Ok();
}

std::vector<StatementText> SplitStatements(std::string_view sql) {
  std::vector<StatementText> out;
  size_t start = 0, i = 0;
  bool open = false;  // the text ends inside a string, identifier or comment
  auto flush = [&](size_t end) {
    size_t lead = 0;
    std::string_view piece = Trim(sql.substr(start, end - start), &lead);
    if (open || !IsBlank(piece)) out.push_back({start + lead, std::string(piece)});
  };
  while (i < sql.size()) {
    size_t skipped = SkipQuoted(sql, i, nullptr, &open);
    if (skipped != i) {
      i = skipped;
      continue;
    }
    if (sql[i] == ';') {
      flush(i);
      start = i + 1;
    }
    i++;
  }
  flush(sql.size());
  return out;
}

std::vector<Token> Tokenize(std::string_view s, size_t limit) {
  std::vector<Token> out;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n && (limit == 0 || out.size() < limit)) {
    char c = s[i];
    if (IsSpace(c)) {
      i++;
      continue;
    }
    std::string value;
    size_t skipped = SkipQuoted(s, i, &value);
    if (skipped != i) {
      bool comment = c == '-' || c == '/';
      if (!comment) {
        TokenKind kind = c == '"' ? TokenKind::kQuotedIdentifier : TokenKind::kString;
        out.push_back({kind, std::move(value), i});
      }
      i = skipped;
      continue;
    }
    if (IsIdentStart(c)) {
      size_t j = i;
      while (j < n && IsIdentChar(s[j])) j++;
      std::string word(s.substr(i, j - i));
      for (auto& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.push_back({TokenKind::kWord, std::move(word), i});
      i = j;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < n && std::isdigit(s[i + 1]))) {
      size_t j = i;
      while (j < n && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '_')) j++;
      out.push_back({TokenKind::kNumber, std::string(s.substr(i, j - i)), i});
      i = j;
      continue;
    }
    out.push_back({TokenKind::kSymbol, std::string(1, c), i});
    i++;
  }
  return out;
}

}  // namespace weir::session

namespace weir::session {

namespace {

void ReplaceAll(std::string* text, std::string_view from, std::string_view to) {
  size_t at = 0;
  while ((at = text->find(from, at)) != std::string::npos) {
    text->replace(at, from.size(), to);
    at += to.size();
  }
}

}  // namespace

std::string NormalizeCatalogSyntax(const std::string& sql) {
  if (sql.find("pg_catalog") == std::string::npos) return sql;
  std::string out = sql;
  for (const char* op : {"~", "!~", "~~", "!~~", "~~*", "!~~*", "=", "<>", "<", ">", "<=", ">="}) {
    ReplaceAll(&out, std::string("OPERATOR(pg_catalog.") + op + ")", std::string(" ") + op + " ");
  }
  ReplaceAll(&out, "COLLATE pg_catalog.default", "");
  ReplaceAll(&out, "::pg_catalog.", "::");
  // PostgreSQL's object-identifier types, whole names only.
  for (const char* type : {"::regprocedure", "::regproc", "::regtype", "::regclass", "::regnamespace"}) {
    size_t at = 0;
    std::string_view name(type);
    while ((at = out.find(name, at)) != std::string::npos) {
      size_t end = at + name.size();
      if (end < out.size() && (std::isalnum(static_cast<unsigned char>(out[end])) || out[end] == '_')) {
        at = end;
        continue;
      }
      out.replace(at, name.size(), "::VARCHAR");
      at += 9;
    }
  }
  // psql's \d reads a set-returning function's alias as its column.
  ReplaceAll(&out, "generate_series(0, pg_catalog.array_upper(pr.prattrs::int2[], 1)) s,",
             "generate_series(0, array_upper(pr.prattrs::int2[], 1)) s(s),");
  // pg_catalog.f(...) → f(...): DuckDB reads a qualified call of a function
  // outside its own pg_catalog as a method call on a column; unqualified, the
  // search path finds the builtin or the mirror's compatibility macro.
  const std::string prefix = "pg_catalog.";
  size_t at = 0;
  while ((at = out.find(prefix, at)) != std::string::npos) {
    size_t end = at + prefix.size();
    while (end < out.size() && (std::isalnum(static_cast<unsigned char>(out[end])) || out[end] == '_')) end++;
    size_t paren = end;
    while (paren < out.size() && out[paren] == ' ') paren++;
    bool call = end > at + prefix.size() && paren < out.size() && out[paren] == '(';
    bool qualified = at > 0 && (std::isalnum(static_cast<unsigned char>(out[at - 1])) || out[at - 1] == '_' ||
                                out[at - 1] == '.' || out[at - 1] == '"');
    if (call && !qualified) {
      out.erase(at, prefix.size());
    } else {
      at = end;
    }
  }
  return out;
}

}  // namespace weir::session
