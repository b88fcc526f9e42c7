#include "iam/policy_variables.h"

#include "iam/policy_error.h"
#include "iam/wildcard.h"

namespace weir::iam::internal {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<ValueTemplate> ValueTemplate::Parse(std::string_view text, bool variables_enabled) {
  ValueTemplate out;
  out.source_ = std::string(text);
  std::vector<Part> parts;
  auto add_text = [&parts](std::string_view t) {
    if (t.empty()) return;
    if (parts.empty() || parts.back().kind != Part::Kind::kText) parts.push_back(Part{});
    parts.back().text.append(t);
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t dollar = variables_enabled ? text.find("${", i) : std::string_view::npos;
    if (dollar == std::string_view::npos) {
      add_text(text.substr(i));
      break;
    }
    add_text(text.substr(i, dollar - i));
    size_t body = dollar + 2;
    size_t close = text.find('}', body);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("unterminated policy variable in " + QuoteValue(text));
    }
    std::string_view inside = text.substr(body, close - body);
    if (inside == "*" || inside == "?" || inside == "$") {
      Part part;
      part.kind = Part::Kind::kChar;
      part.text = std::string(inside);
      parts.push_back(std::move(part));
      i = close + 1;
      continue;
    }
    Part part;
    part.kind = Part::Kind::kVariable;
    size_t comma = inside.find(',');
    std::string_view key = Trim(comma == std::string_view::npos ? inside : inside.substr(0, comma));
    if (comma != std::string_view::npos) {
      // ${key, 'default'}: the default is quoted and may contain '}'.
      size_t open_quote = text.find_first_not_of(" \t", body + comma + 1);
      if (open_quote == std::string_view::npos || text[open_quote] != '\'') {
        return Status::InvalidArgument("policy variable default must be quoted, as in ${key, 'value'}, in " +
                                       QuoteValue(text));
      }
      size_t close_quote = text.find('\'', open_quote + 1);
      if (close_quote == std::string_view::npos) {
        return Status::InvalidArgument("unterminated default value of policy variable in " + QuoteValue(text));
      }
      size_t brace = text.find_first_not_of(" \t", close_quote + 1);
      if (brace == std::string_view::npos || text[brace] != '}') {
        return Status::InvalidArgument("expected '}' after the default value of policy variable in " +
                                       QuoteValue(text));
      }
      part.has_default = true;
      part.default_value = std::string(text.substr(open_quote + 1, close_quote - open_quote - 1));
      close = brace;
    }
    if (key.empty()) return Status::InvalidArgument("empty policy variable in " + QuoteValue(text));
    if (key.find_first_of("{}$'") != std::string_view::npos) {
      return Status::InvalidArgument("invalid policy variable name " + QuoteValue(key) + " in " + QuoteValue(text));
    }
    part.text = ToLowerAscii(key);
    part.key_fingerprint = Fingerprint(part.text);
    parts.push_back(std::move(part));
    out.has_variables_ = true;
    i = close + 1;
  }
  if (out.has_variables_) {
    out.parts_ = std::move(parts);
    if (out.parts_.front().kind == Part::Kind::kText) {
      const std::string& first = out.parts_.front().text;
      out.literal_prefix_ = first.substr(0, first.find_first_of("*?"));
    }
  } else {
    for (const Part& part : parts) {
      out.plain_ += part.text;
      if (part.kind == Part::Kind::kText) {
        AppendPatternAsEscaped(part.text, &out.escaped_);
      } else {
        AppendEscaped(part.text, &out.escaped_);
      }
    }
  }
  return out;
}

const std::string* ValueTemplate::Lookup(const Part& part, const Context& context) const noexcept {
  const std::vector<std::string>* values = context.FindLowercase(part.text, part.key_fingerprint);
  if (values != nullptr && values->size() == 1) return &values->front();
  if (part.has_default) return &part.default_value;
  return nullptr;
}

bool ValueTemplate::ResolvePlain(const Context& context, std::string* out) const noexcept {
  if (!has_variables_) {
    out->append(plain_);
    return true;
  }
  for (const Part& part : parts_) {
    if (part.kind != Part::Kind::kVariable) {
      out->append(part.text);
      continue;
    }
    const std::string* value = Lookup(part, context);
    if (value == nullptr) return false;
    out->append(*value);
  }
  return true;
}

bool ValueTemplate::ResolveEscaped(const Context& context, std::string* out, bool escape_colon) const noexcept {
  if (!has_variables_) {
    out->append(escaped_);
    return true;
  }
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Part::Kind::kText:
        AppendPatternAsEscaped(part.text, out);
        break;
      case Part::Kind::kChar:
        AppendEscaped(part.text, out);
        break;
      case Part::Kind::kVariable: {
        const std::string* value = Lookup(part, context);
        if (value == nullptr) return false;
        AppendEscaped(*value, out, escape_colon && !is_single_variable());
        break;
      }
    }
  }
  return true;
}

std::string ValueTemplate::EscapedWithPlaceholders(char placeholder) const {
  if (!has_variables_) return escaped_;
  std::string out;
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Part::Kind::kText:
        AppendPatternAsEscaped(part.text, &out);
        break;
      case Part::Kind::kChar:
        AppendEscaped(part.text, &out);
        break;
      case Part::Kind::kVariable:
        out.push_back(placeholder);
        break;
    }
  }
  return out;
}

}  // namespace weir::iam::internal
