#include "access/lf_tag.h"

#include <algorithm>
#include <cctype>

namespace weir::access {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool AllowedChar(unsigned char c) {
  if (std::isalnum(c) || c >= 0x80) return true;  // letters of other scripts (UTF-8 bytes)
  switch (c) {
    case ' ':
    case '_':
    case '.':
    case ':':
    case '/':
    case '+':
    case '-':
    case '@':
    case '%':
      return true;
    default:
      return false;
  }
}

Result<std::string> Normalize(const std::string& text, const char* what, size_t max_length) {
  std::string out = Trim(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.empty()) return Status::InvalidArgument(std::string("an LF-Tag ") + what + " cannot be empty");
  if (out.size() > max_length) {
    return Status::InvalidArgument(std::string("LF-Tag ") + what + " '" + out.substr(0, 32) + "...' is " +
                                   std::to_string(out.size()) + " characters long; the limit is " +
                                   std::to_string(max_length));
  }
  for (char c : out) {
    if (!AllowedChar(static_cast<unsigned char>(c))) {
      return Status::InvalidArgument(std::string("LF-Tag ") + what + " '" + out + "' contains '" + std::string(1, c) +
                                     "': use letters, digits, space and _ . : / + - @ %");
    }
  }
  return out;
}

}  // namespace

bool LfTag::Allows(const std::string& value) const { return std::binary_search(values.begin(), values.end(), value); }

std::string TagResource::Label() const {
  if (table.empty()) return "database " + database;
  if (column.empty()) return "table " + database + "." + table;
  return "column " + database + "." + table + "." + column;
}

const char* TagLevelName(TagLevel level) {
  switch (level) {
    case TagLevel::kDatabase:
      return "database";
    case TagLevel::kTable:
      return "table";
    case TagLevel::kColumn:
      return "column";
  }
  return "database";
}

Result<std::string> NormalizeTagKey(const std::string& key) { return Normalize(key, "key", kMaxTagKeyLength); }

Result<std::string> NormalizeTagValue(const std::string& value) {
  return Normalize(value, "value", kMaxTagValueLength);
}

Result<std::vector<std::string>> NormalizeTagValues(const std::vector<std::string>& values, bool allow_empty) {
  if (values.empty() && !allow_empty) return Status::InvalidArgument("an LF-Tag needs at least one value");
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const auto& v : values) {
    WEIR_ASSIGN_OR_RETURN(std::string normalized, NormalizeTagValue(v));
    out.push_back(std::move(normalized));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > kMaxTagValues) {
    return Status::InvalidArgument("an LF-Tag takes at most " + std::to_string(kMaxTagValues) + " values, not " +
                                   std::to_string(out.size()));
  }
  return out;
}

Status NormalizeTagExpression(TagExpression* expression) {
  if (expression->empty()) return Status::InvalidArgument("an LF-Tag expression needs at least one key=values term");
  for (auto& condition : *expression) {
    WEIR_ASSIGN_OR_RETURN(condition.key, NormalizeTagKey(condition.key));
    if (condition.values.empty()) {
      return Status::InvalidArgument("LF-Tag expression term '" + condition.key + "' lists no values");
    }
    WEIR_ASSIGN_OR_RETURN(condition.values, NormalizeTagValues(condition.values));
  }
  std::sort(expression->begin(), expression->end(),
            [](const TagCondition& a, const TagCondition& b) { return a.key < b.key; });
  for (size_t i = 1; i < expression->size(); i++) {
    if ((*expression)[i].key == (*expression)[i - 1].key) {
      return Status::InvalidArgument("LF-Tag key '" + (*expression)[i].key +
                                     "' appears twice in one expression; list its values once (key=v1,v2)");
    }
  }
  return Status::Ok();
}

Result<TagExpression> ParseTagExpression(const std::string& text) {
  TagExpression expression;
  size_t start = 0;
  while (start <= text.size()) {
    size_t semicolon = text.find(';', start);
    if (semicolon == std::string::npos) semicolon = text.size();
    std::string term = Trim(text.substr(start, semicolon - start));
    start = semicolon + 1;
    if (term.empty()) {
      if (semicolon == text.size() && !expression.empty()) break;  // a trailing ';'
      return Status::InvalidArgument("empty term in LF-Tag expression '" + text + "'; expected key=v1,v2;key2=v3");
    }
    size_t eq = term.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument("LF-Tag expression term '" + term + "' has no '='; expected key=v1,v2");
    }
    TagCondition condition;
    condition.key = term.substr(0, eq);
    std::string values = term.substr(eq + 1);
    size_t vstart = 0;
    while (vstart <= values.size()) {
      size_t comma = values.find(',', vstart);
      if (comma == std::string::npos) comma = values.size();
      condition.values.push_back(values.substr(vstart, comma - vstart));
      vstart = comma + 1;
    }
    expression.push_back(std::move(condition));
  }
  WEIR_RETURN_IF_ERROR(NormalizeTagExpression(&expression));
  return expression;
}

std::string ToString(const TagExpression& expression) {
  std::string out;
  for (const auto& condition : expression) {
    if (!out.empty()) out += ";";
    out += condition.key + "=";
    if (condition.values.empty()) out += "*";
    for (size_t i = 0; i < condition.values.size(); i++) out += (i ? "," : "") + condition.values[i];
  }
  return out;
}

bool Matches(const TagExpression& expression, const std::vector<EffectiveTag>& tags) {
  for (const auto& condition : expression) {
    auto it = std::lower_bound(tags.begin(), tags.end(), condition.key,
                               [](const EffectiveTag& t, const std::string& key) { return t.key < key; });
    if (it == tags.end() || it->key != condition.key) return false;
    if (!std::binary_search(condition.values.begin(), condition.values.end(), it->value)) return false;
  }
  return true;
}

TagIndex::TagIndex(const std::vector<TagAssignment>& assignments) {
  for (const auto& a : assignments) assigned_[a.resource][a.key] = a.value;
}

std::vector<EffectiveTag> TagIndex::Assigned(const TagResource& resource) const {
  std::vector<EffectiveTag> out;
  auto it = assigned_.find(resource);
  if (it == assigned_.end()) return out;
  TagLevel level = resource.table.empty()    ? TagLevel::kDatabase
                   : resource.column.empty() ? TagLevel::kTable
                                             : TagLevel::kColumn;
  for (const auto& [key, value] : it->second) out.push_back({key, value, level});
  return out;
}

std::vector<EffectiveTag> TagIndex::Effective(const std::string& database, const std::string& table,
                                              const std::string& column) const {
  // key → tag; each lower level overrides what it assigns itself.
  std::map<std::string, EffectiveTag> merged;
  auto apply = [&](const TagResource& resource) {
    for (auto& tag : Assigned(resource)) merged[tag.key] = std::move(tag);
  };
  apply({database, "", ""});
  if (!table.empty()) apply({database, table, ""});
  if (!table.empty() && !column.empty()) apply({database, table, column});
  std::vector<EffectiveTag> out;
  out.reserve(merged.size());
  for (auto& [key, tag] : merged) out.push_back(std::move(tag));
  return out;
}

}  // namespace weir::access
