#include "iam/condition.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "iam/policy_error.h"

namespace weir::iam::internal {

namespace {

using nlohmann::json;

struct OperatorInfo {
  std::string_view name;
  ConditionFamily family;
  Comparison comparison;
  bool negated;
};

// The operator vocabulary: one row per base operator name.
constexpr OperatorInfo kOperators[] = {
    {"StringEquals", ConditionFamily::kStringEquals, Comparison::kEqual, false},
    {"StringNotEquals", ConditionFamily::kStringEquals, Comparison::kEqual, true},
    {"StringEqualsIgnoreCase", ConditionFamily::kStringEqualsIgnoreCase, Comparison::kEqual, false},
    {"StringNotEqualsIgnoreCase", ConditionFamily::kStringEqualsIgnoreCase, Comparison::kEqual, true},
    {"StringLike", ConditionFamily::kStringLike, Comparison::kEqual, false},
    {"StringNotLike", ConditionFamily::kStringLike, Comparison::kEqual, true},
    {"NumericEquals", ConditionFamily::kNumeric, Comparison::kEqual, false},
    {"NumericNotEquals", ConditionFamily::kNumeric, Comparison::kEqual, true},
    {"NumericLessThan", ConditionFamily::kNumeric, Comparison::kLess, false},
    {"NumericLessThanEquals", ConditionFamily::kNumeric, Comparison::kLessEqual, false},
    {"NumericGreaterThan", ConditionFamily::kNumeric, Comparison::kGreater, false},
    {"NumericGreaterThanEquals", ConditionFamily::kNumeric, Comparison::kGreaterEqual, false},
    {"DateEquals", ConditionFamily::kDate, Comparison::kEqual, false},
    {"DateNotEquals", ConditionFamily::kDate, Comparison::kEqual, true},
    {"DateLessThan", ConditionFamily::kDate, Comparison::kLess, false},
    {"DateLessThanEquals", ConditionFamily::kDate, Comparison::kLessEqual, false},
    {"DateGreaterThan", ConditionFamily::kDate, Comparison::kGreater, false},
    {"DateGreaterThanEquals", ConditionFamily::kDate, Comparison::kGreaterEqual, false},
    {"Bool", ConditionFamily::kBool, Comparison::kEqual, false},
    {"BinaryEquals", ConditionFamily::kBinary, Comparison::kEqual, false},
    {"IpAddress", ConditionFamily::kIpAddress, Comparison::kEqual, false},
    {"NotIpAddress", ConditionFamily::kIpAddress, Comparison::kEqual, true},
    {"ArnEquals", ConditionFamily::kArn, Comparison::kEqual, false},
    {"ArnLike", ConditionFamily::kArn, Comparison::kEqual, false},
    {"ArnNotEquals", ConditionFamily::kArn, Comparison::kEqual, true},
    {"ArnNotLike", ConditionFamily::kArn, Comparison::kEqual, true},
    {"Null", ConditionFamily::kNull, Comparison::kEqual, false},
};

constexpr std::string_view kForAnyValue = "ForAnyValue:";
constexpr std::string_view kForAllValues = "ForAllValues:";
constexpr std::string_view kIfExists = "IfExists";
constexpr size_t kMaxConditionKeyLength = 512;

const OperatorInfo* FindOperator(std::string_view name) {
  for (const auto& info : kOperators) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

bool VariablesAllowed(ConditionFamily family) {
  switch (family) {
    case ConditionFamily::kStringEquals:
    case ConditionFamily::kStringEqualsIgnoreCase:
    case ConditionFamily::kStringLike:
    case ConditionFamily::kArn:
    case ConditionFamily::kBool:
      return true;
    default:
      return false;
  }
}

std::string_view FamilyNoun(ConditionFamily family) {
  switch (family) {
    case ConditionFamily::kNumeric:
      return "Numeric";
    case ConditionFamily::kDate:
      return "Date";
    case ConditionFamily::kBinary:
      return "Binary";
    case ConditionFamily::kIpAddress:
      return "IP address";
    case ConditionFamily::kNull:
      return "Null";
    default:
      return "this";
  }
}

// "service:name": a service prefix of letters, digits, '.', '_' or '-', then a
// non-empty name without control characters.
bool IsValidConditionKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxConditionKeyLength) return false;
  size_t colon = key.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == key.size()) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = key[i];
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  for (char c : key.substr(colon + 1)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

int Compare(const Number& a, const Number& b) {
  if (a.is_integer && b.is_integer) return a.integer < b.integer ? -1 : (a.integer > b.integer ? 1 : 0);
  double x = a.is_integer ? static_cast<double>(a.integer) : a.real;
  double y = b.is_integer ? static_cast<double>(b.integer) : b.real;
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool Holds(Comparison comparison, int order) {
  switch (comparison) {
    case Comparison::kEqual:
      return order == 0;
    case Comparison::kLess:
      return order < 0;
    case Comparison::kLessEqual:
      return order <= 0;
    case Comparison::kGreater:
      return order > 0;
    case Comparison::kGreaterEqual:
      return order >= 0;
  }
  return false;
}

bool Contains(const IpNetwork& network, const IpNetwork& address) {
  if (network.v6 != address.v6) return false;
  size_t full = network.prefix / 8;
  if (std::memcmp(network.bytes.data(), address.bytes.data(), full) != 0) return false;
  unsigned rest = network.prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (network.bytes[full] & mask) == (address.bytes[full] & mask);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at text[*pos].
bool ReadDigits(std::string_view text, size_t* pos, size_t n, int* out) {
  if (*pos + n > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  *pos += n;
  *out = value;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

constexpr int64_t kMicrosPerSecond = 1000000;
// 9999-12-31T23:59:59Z, the last instant ISO 8601 dates here can name.
constexpr int64_t kMaxEpochSeconds = 253402300799;

std::optional<int64_t> ParseEpoch(std::string_view text) {
  bool negative = false;
  size_t pos = 0;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    pos = 1;
  }
  size_t digits_begin = pos;
  int64_t seconds = 0;
  while (pos < text.size() && IsDigit(text[pos])) {
    seconds = seconds * 10 + (text[pos] - '0');
    if (seconds > kMaxEpochSeconds) return std::nullopt;
    ++pos;
  }
  if (pos == digits_begin) return std::nullopt;
  int64_t micros = 0;
  if (pos < text.size()) {
    if (text[pos] != '.') return std::nullopt;
    ++pos;
    size_t fraction_begin = pos;
    int64_t scale = 100000;
    while (pos < text.size() && IsDigit(text[pos])) {
      micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == fraction_begin || pos != text.size()) return std::nullopt;
  }
  int64_t total = seconds * kMicrosPerSecond + micros;
  return negative ? -total : total;
}

std::optional<int64_t> ParseIso8601(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 1, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  if (!ReadDigits(text, &pos, 4, &year)) return std::nullopt;
  if (pos >= text.size() || text[pos] != '-') return std::nullopt;
  ++pos;
  if (!ReadDigits(text, &pos, 2, &month) || month < 1 || month > 12) return std::nullopt;
  if (pos < text.size()) {
    if (text[pos] != '-') return std::nullopt;
    ++pos;
    if (!ReadDigits(text, &pos, 2, &day) || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T') return std::nullopt;
    ++pos;
    if (!ReadDigits(text, &pos, 2, &hour) || hour > 23) return std::nullopt;
    if (pos >= text.size() || text[pos] != ':') return std::nullopt;
    ++pos;
    if (!ReadDigits(text, &pos, 2, &minute) || minute > 59) return std::nullopt;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!ReadDigits(text, &pos, 2, &second) || second > 59) return std::nullopt;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        size_t fraction_begin = pos;
        int64_t scale = 100000;
        while (pos < text.size() && IsDigit(text[pos])) {
          micros += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == fraction_begin) return std::nullopt;
      }
    }
    // Time zone designator: Z, +hh:mm, -hh:mm (also +hhmm, +hh); none means UTC.
    if (pos < text.size()) {
      char sign = text[pos];
      if (sign == 'Z') {
        ++pos;
      } else if (sign == '+' || sign == '-') {
        ++pos;
        int oh = 0, om = 0;
        if (!ReadDigits(text, &pos, 2, &oh) || oh > 23) return std::nullopt;
        if (pos < text.size()) {
          if (text[pos] == ':') ++pos;
          if (!ReadDigits(text, &pos, 2, &om) || om > 59) return std::nullopt;
        }
        offset_seconds = (oh * 3600 + om * 60) * (sign == '+' ? 1 : -1);
      } else {
        return std::nullopt;
      }
    }
  }
  if (pos != text.size()) return std::nullopt;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * kMicrosPerSecond + micros;
}

bool ParseIpv4(std::string_view text, uint8_t* out) {
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') return false;
      ++pos;
    }
    size_t begin = pos;
    int value = 0;
    while (pos < text.size() && IsDigit(text[pos]) && pos - begin < 3) {
      value = value * 10 + (text[pos] - '0');
      ++pos;
    }
    size_t len = pos - begin;
    // No empty parts, no leading zeros (ambiguous with octal), at most 255.
    if (len == 0 || value > 255 || (len > 1 && text[begin] == '0')) return false;
    out[part] = static_cast<uint8_t>(value);
  }
  return pos == text.size();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseIpv6(std::string_view text, uint8_t* out) {
  uint16_t groups[8] = {};
  int count = 0;
  int gap = -1;  // index where "::" stands
  size_t pos = 0;
  if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
    gap = 0;
    pos = 2;
    if (pos == text.size()) {
      std::memset(out, 0, 16);
      return true;
    }
  } else if (!text.empty() && text[0] == ':') {
    return false;
  }
  while (pos < text.size()) {
    if (count >= 8) return false;
    // An embedded IPv4 address ends the text.
    size_t next_colon = text.find(':', pos);
    std::string_view group =
        text.substr(pos, next_colon == std::string_view::npos ? std::string_view::npos : next_colon - pos);
    if (group.find('.') != std::string_view::npos) {
      if (next_colon != std::string_view::npos || count > 6) return false;
      uint8_t v4[4];
      if (!ParseIpv4(group, v4)) return false;
      groups[count++] = static_cast<uint16_t>((v4[0] << 8) | v4[1]);
      groups[count++] = static_cast<uint16_t>((v4[2] << 8) | v4[3]);
      pos = text.size();
      break;
    }
    if (group.empty() || group.size() > 4) return false;
    unsigned value = 0;
    for (char c : group) {
      int h = HexValue(c);
      if (h < 0) return false;
      value = value * 16 + static_cast<unsigned>(h);
    }
    groups[count++] = static_cast<uint16_t>(value);
    pos += group.size();
    if (pos == text.size()) break;
    // pos is at ':'.
    ++pos;
    if (pos < text.size() && text[pos] == ':') {
      if (gap >= 0) return false;
      gap = count;
      ++pos;
      if (pos == text.size()) break;
    } else if (pos == text.size()) {
      return false;  // trailing single ':'
    }
  }
  if (gap < 0 && count != 8) return false;
  if (gap >= 0 && count > 7) return false;
  uint16_t full[8] = {};
  if (gap < 0) {
    std::memcpy(full, groups, sizeof(full));
  } else {
    int tail = count - gap;
    for (int i = 0; i < gap; ++i) full[i] = groups[i];
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
  }
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(full[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(full[i] & 0xFF);
  }
  return true;
}

// Text of a scalar JSON condition value: strings as they are, numbers as
// written in JSON, booleans as "true"/"false".
std::optional<std::string> ScalarText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  return std::nullopt;
}

Status CompileValue(const Condition& condition, std::string_view op_name, const std::string& text,
                    bool variables_enabled, const std::string& path, ConditionValue* out, PolicyError* error) {
  const ConditionFamily family = condition.family;
  bool wants_variables = variables_enabled && VariablesAllowed(family);
  if (variables_enabled && !VariablesAllowed(family) && text.find("${") != std::string::npos) {
    return InvalidAt(error, path,
                     "policy variables cannot be used with " + std::string(FamilyNoun(family)) + " operators (" +
                         std::string(op_name) + ")");
  }
  ValueTemplate tmpl;
  if (wants_variables) {
    auto parsed = ValueTemplate::Parse(text, true);
    if (!parsed.ok()) return InvalidAt(error, path, parsed.status().message());
    tmpl = std::move(parsed).value();
    if (tmpl.has_variables()) {
      out->dynamic = std::move(tmpl);
      return Status::Ok();
    }
  } else {
    auto parsed = ValueTemplate::Parse(text, false);
    if (!parsed.ok()) return InvalidAt(error, path, parsed.status().message());
    tmpl = std::move(parsed).value();
  }
  const std::string& plain = tmpl.plain();
  switch (family) {
    case ConditionFamily::kStringEquals:
      out->value = plain;
      break;
    case ConditionFamily::kStringEqualsIgnoreCase:
      out->value = ToLowerAscii(plain);
      break;
    case ConditionFamily::kStringLike:
      out->value = WildcardPattern::FromEscaped(tmpl.escaped());
      break;
    case ConditionFamily::kArn: {
      if (!IsArnPatternShape(tmpl.escaped())) return InvalidAt(error, path, "malformed ARN " + QuoteValue(text));
      auto pattern = ArnPattern::FromEscaped(tmpl.escaped());
      if (!pattern) return InvalidAt(error, path, "ARN too long " + QuoteValue(text));
      out->value = std::move(*pattern);
      break;
    }
    case ConditionFamily::kNumeric: {
      auto number = ParseNumber(plain);
      if (!number) return InvalidAt(error, path, "invalid number " + QuoteValue(text));
      out->value = *number;
      break;
    }
    case ConditionFamily::kDate: {
      auto date = ParseDate(plain);
      if (!date) return InvalidAt(error, path, "invalid date " + QuoteValue(text));
      out->value = *date;
      break;
    }
    case ConditionFamily::kBool:
    case ConditionFamily::kNull: {
      auto b = ParseBool(plain);
      if (!b) return InvalidAt(error, path, "expected \"true\" or \"false\", got " + QuoteValue(text));
      out->value = *b;
      break;
    }
    case ConditionFamily::kBinary: {
      auto bytes = DecodeBase64(plain);
      if (!bytes) return InvalidAt(error, path, "invalid base64 " + QuoteValue(text));
      out->value = std::move(*bytes);
      break;
    }
    case ConditionFamily::kIpAddress: {
      auto network = ParseIpNetwork(plain, /*allow_prefix=*/true);
      if (!network) return InvalidAt(error, path, "invalid IP address or CIDR " + QuoteValue(text));
      out->value = *network;
      break;
    }
  }
  return Status::Ok();
}

// Scratch space for resolving policy variables without allocating per call.
std::string& Scratch() {
  thread_local std::string scratch;
  scratch.clear();
  return scratch;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCaseAscii(s.substr(0, prefix.size()), prefix);
}

// Whether request value `r` matches at least one policy value, under the
// positive form of the operator.
bool MatchesSome(const Condition& c, const std::string& r, const Context& context, ValueCache* cache) {
  switch (c.family) {
    case ConditionFamily::kStringEquals:
      for (const auto& v : c.values) {
        if (v.dynamic) {
          if (!StartsWith(r, v.dynamic->literal_prefix())) continue;
          std::string& s = Scratch();
          if (v.dynamic->ResolvePlain(context, &s) && SameBytes(s, r)) return true;
        } else if (SameBytes(std::get<std::string>(v.value), r)) {
          return true;
        }
      }
      return false;
    case ConditionFamily::kStringEqualsIgnoreCase:
      for (const auto& v : c.values) {
        if (v.dynamic) {
          if (!StartsWithIgnoreCase(r, v.dynamic->literal_prefix())) continue;
          std::string& s = Scratch();
          if (v.dynamic->ResolvePlain(context, &s) && EqualsIgnoreCaseAscii(s, r)) return true;
        } else if (EqualsIgnoreCaseAscii(std::get<std::string>(v.value), r)) {
          return true;
        }
      }
      return false;
    case ConditionFamily::kStringLike:
      for (const auto& v : c.values) {
        if (v.dynamic) {
          if (!StartsWith(r, v.dynamic->literal_prefix())) continue;
          std::string& s = Scratch();
          if (v.dynamic->ResolveEscaped(context, &s, false) && EscapedWildcardMatch(s, r)) return true;
        } else if (std::get<WildcardPattern>(v.value).Matches(r)) {
          return true;
        }
      }
      return false;
    case ConditionFamily::kArn: {
      const ArnParts arn(r);
      for (const auto& v : c.values) {
        if (v.dynamic) {
          if (!StartsWith(r, v.dynamic->literal_prefix())) continue;
          std::string& s = Scratch();
          if (v.dynamic->ResolveEscaped(context, &s, true) && MatchArnEscaped(s, arn)) return true;
        } else if (std::get<ArnPattern>(v.value).Matches(arn)) {
          return true;
        }
      }
      return false;
    }
    case ConditionFamily::kBool: {
      auto rb = ParseBool(r);
      if (!rb) return false;
      for (const auto& v : c.values) {
        if (v.dynamic) {
          std::string& s = Scratch();
          if (!v.dynamic->ResolvePlain(context, &s)) continue;
          auto pb = ParseBool(s);
          if (pb && *pb == *rb) return true;
        } else if (std::get<bool>(v.value) == *rb) {
          return true;
        }
      }
      return false;
    }
    case ConditionFamily::kNumeric: {
      auto rn = cache ? cache->GetNumber(r) : ParseNumber(r);
      if (!rn) return false;
      for (const auto& v : c.values) {
        if (Holds(c.comparison, Compare(*rn, std::get<Number>(v.value)))) return true;
      }
      return false;
    }
    case ConditionFamily::kDate: {
      auto rd = cache ? cache->GetDate(r) : ParseDate(r);
      if (!rd) return false;
      for (const auto& v : c.values) {
        int64_t p = std::get<int64_t>(v.value);
        if (Holds(c.comparison, *rd < p ? -1 : (*rd > p ? 1 : 0))) return true;
      }
      return false;
    }
    case ConditionFamily::kBinary: {
      auto bytes = DecodeBase64(r);
      if (!bytes) return false;
      for (const auto& v : c.values) {
        if (std::get<std::string>(v.value) == *bytes) return true;
      }
      return false;
    }
    case ConditionFamily::kIpAddress: {
      auto address = cache ? cache->GetIp(r) : ParseIpNetwork(r, /*allow_prefix=*/false);
      if (!address) return false;
      for (const auto& v : c.values) {
        if (Contains(std::get<IpNetwork>(v.value), *address)) return true;
      }
      return false;
    }
    case ConditionFamily::kNull:
      return false;  // handled by EvaluateCondition
  }
  return false;
}

}  // namespace

std::optional<Number> ParseNumber(std::string_view text) {
  // [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
  size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
  size_t int_begin = pos;
  while (pos < text.size() && IsDigit(text[pos])) ++pos;
  size_t int_digits = pos - int_begin;
  bool integer = true;
  size_t frac_digits = 0;
  if (pos < text.size() && text[pos] == '.') {
    integer = false;
    ++pos;
    size_t frac_begin = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    frac_digits = pos - frac_begin;
  }
  if (int_digits == 0 && frac_digits == 0) return std::nullopt;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    integer = false;
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    size_t exp_begin = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    if (pos == exp_begin) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  std::string_view body = text[0] == '+' ? text.substr(1) : text;
  Number out;
  if (integer) {
    auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), out.integer);
    if (ec == std::errc() && end == body.data() + body.size()) {
      out.is_integer = true;
      return out;
    }
  }
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), out.real);
  if (ec != std::errc() || end != body.data() + body.size() || !std::isfinite(out.real)) return std::nullopt;
  out.is_integer = false;
  return out;
}

std::optional<int64_t> ParseDate(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // All digits (with an optional sign and fraction) is epoch time; anything
  // with a '-' after the first four digits is ISO 8601.
  bool iso = text.size() >= 5 && IsDigit(text[0]) && text[4] == '-';
  return iso ? ParseIso8601(text) : ParseEpoch(text);
}

std::optional<IpNetwork> ParseIpNetwork(std::string_view text, bool allow_prefix) {
  IpNetwork out;
  std::string_view address = text;
  std::optional<int> prefix;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    if (!allow_prefix) return std::nullopt;
    address = text.substr(0, slash);
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
    int value = 0;
    for (char c : digits) {
      if (!IsDigit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    prefix = value;
  }
  if (address.find(':') != std::string_view::npos) {
    if (!ParseIpv6(address, out.bytes.data())) return std::nullopt;
    out.v6 = true;
    int bits = prefix.value_or(128);
    if (bits > 128) return std::nullopt;
    out.prefix = static_cast<uint8_t>(bits);
    // IPv4-mapped (::ffff:a.b.c.d) is the IPv4 address a dual-stack socket reports.
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(out.bytes.data(), kMapped, 12) == 0 && bits >= 96) {
      IpNetwork v4;
      std::memcpy(v4.bytes.data(), out.bytes.data() + 12, 4);
      v4.prefix = static_cast<uint8_t>(bits - 96);
      return v4;
    }
    return out;
  }
  if (!ParseIpv4(address, out.bytes.data())) return std::nullopt;
  int bits = prefix.value_or(32);
  if (bits > 32) return std::nullopt;
  out.prefix = static_cast<uint8_t>(bits);
  return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  auto sextet = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    int v[4];
    for (int k = 0; k < 4 - pad; ++k) {
      v[k] = sextet(text[i + k]);
      if (v[k] < 0) return std::nullopt;
    }
    uint32_t triple = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12);
    if (pad < 2) triple |= static_cast<uint32_t>(v[2]) << 6;
    if (pad < 1) triple |= static_cast<uint32_t>(v[3]);
    out.push_back(static_cast<char>((triple >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((triple >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(triple & 0xFF));
    // Canonical encoding only: unused bits of the last sextet must be zero.
    if (pad == 1 && (v[2] & 0x3) != 0) return std::nullopt;
    if (pad == 2 && (v[1] & 0xF) != 0) return std::nullopt;
  }
  return out;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (EqualsIgnoreCaseAscii(text, "true")) return true;
  if (EqualsIgnoreCaseAscii(text, "false")) return false;
  return std::nullopt;
}

Status CompileConditionBlock(std::string_view op_name, const json& block, bool variables_enabled,
                             const std::string& path, std::vector<Condition>* out, PolicyError* error) {
  const std::string op_path = path + "." + std::string(op_name);
  Condition proto;
  std::string_view base = op_name;
  if (base.substr(0, kForAnyValue.size()) == kForAnyValue) {
    proto.qualifier = SetQualifier::kForAnyValue;
    base.remove_prefix(kForAnyValue.size());
  } else if (base.substr(0, kForAllValues.size()) == kForAllValues) {
    proto.qualifier = SetQualifier::kForAllValues;
    base.remove_prefix(kForAllValues.size());
  }
  const OperatorInfo* info = FindOperator(base);
  if (info == nullptr && base.size() > kIfExists.size() && base.substr(base.size() - kIfExists.size()) == kIfExists) {
    info = FindOperator(base.substr(0, base.size() - kIfExists.size()));
    if (info != nullptr && info->family == ConditionFamily::kNull) {
      return InvalidAt(error, op_path, "...IfExists cannot be applied to Null");
    }
    proto.if_exists = info != nullptr;
  }
  if (info == nullptr) return InvalidAt(error, op_path, "unknown condition operator");
  if (info->family == ConditionFamily::kNull && proto.qualifier != SetQualifier::kNone) {
    return InvalidAt(error, op_path, "ForAnyValue:/ForAllValues: cannot be applied to Null");
  }
  proto.family = info->family;
  proto.comparison = info->comparison;
  proto.negated = info->negated;

  if (!block.is_object()) return InvalidAt(error, op_path, "expected an object mapping condition keys to values");
  if (block.empty()) return InvalidAt(error, op_path, "no condition keys");
  for (const auto& [key, values] : block.items()) {
    const std::string key_path = op_path + "." + key;
    if (key.find("${") != std::string::npos) {
      return InvalidAt(error, key_path, "policy variables are not allowed in condition keys");
    }
    if (!IsValidConditionKey(key)) return InvalidAt(error, key_path, "invalid condition key (expected 'service:name')");
    Condition condition = proto;
    condition.key = ToLowerAscii(key);
    condition.key_fingerprint = Fingerprint(condition.key);
    condition.signature = std::string(op_name) + '\n' + condition.key;
    auto add = [&](const json& v, const std::string& value_path) -> Status {
      auto text = ScalarText(v);
      if (!text) return InvalidAt(error, value_path, "a condition value must be a string, number or boolean");
      condition.signature += '\n' + std::to_string(text->size()) + ':' + *text;
      ConditionValue compiled;
      WEIR_RETURN_IF_ERROR(CompileValue(condition, op_name, *text, variables_enabled, value_path, &compiled, error));
      condition.values.push_back(std::move(compiled));
      return Status::Ok();
    };
    if (values.is_array()) {
      if (values.empty()) return InvalidAt(error, key_path, "empty list of condition values");
      for (size_t i = 0; i < values.size(); ++i) {
        WEIR_RETURN_IF_ERROR(add(values[i], key_path + "[" + std::to_string(i) + "]"));
      }
    } else {
      WEIR_RETURN_IF_ERROR(add(values, key_path));
    }
    out->push_back(std::move(condition));
  }
  return Status::Ok();
}

int ConditionCost(const Condition& c) {
  int cost = 0;
  switch (c.family) {
    case ConditionFamily::kNull:
      cost = 0;
      break;
    case ConditionFamily::kBool:
      cost = 1;
      break;
    case ConditionFamily::kStringEquals:
      cost = 2;
      break;
    case ConditionFamily::kStringEqualsIgnoreCase:
      cost = 3;
      break;
    case ConditionFamily::kStringLike:
      cost = 4;
      break;
    case ConditionFamily::kNumeric:
      cost = 5;
      break;
    case ConditionFamily::kArn:
      cost = 6;
      break;
    case ConditionFamily::kIpAddress:
      cost = 7;
      break;
    case ConditionFamily::kDate:
      cost = 8;
      break;
    case ConditionFamily::kBinary:
      cost = 9;
      break;
  }
  // Set qualifiers loop over every request value.
  return cost + (c.qualifier == SetQualifier::kNone ? 0 : 10);
}

template <typename T, typename Parse>
std::optional<T> ValueCache::Get(Slots<T>& slots, const std::string& value, Parse&& parse) {
  for (size_t i = 0; i < slots.used; ++i) {
    if (slots.keys[i] == &value) return slots.values[i];
  }
  std::optional<T> parsed = parse(value);
  if (slots.used < Slots<T>::kSize) {
    slots.keys[slots.used] = &value;
    slots.values[slots.used] = parsed;
    ++slots.used;
  }
  return parsed;
}

std::optional<Number> ValueCache::GetNumber(const std::string& value) {
  return Get(numbers_, value, [](const std::string& v) { return ParseNumber(v); });
}

std::optional<int64_t> ValueCache::GetDate(const std::string& value) {
  return Get(dates_, value, [](const std::string& v) { return ParseDate(v); });
}

std::optional<IpNetwork> ValueCache::GetIp(const std::string& value) {
  return Get(ips_, value, [](const std::string& v) { return ParseIpNetwork(v, /*allow_prefix=*/false); });
}

bool EvaluateCondition(const Condition& c, const Context& context, ValueCache* cache) noexcept {
  const std::vector<std::string>* values = context.FindLowercase(c.key, c.key_fingerprint);
  const bool present = values != nullptr && !values->empty();
  if (c.family == ConditionFamily::kNull) {
    for (const auto& v : c.values) {
      if (std::get<bool>(v.value) != present) return true;
    }
    return false;
  }
  if (!present) {
    if (c.if_exists) return true;
    switch (c.qualifier) {
      case SetQualifier::kForAllValues:
        return true;
      case SetQualifier::kForAnyValue:
        return false;
      case SetQualifier::kNone:
        return c.negated;
    }
    return false;
  }
  switch (c.qualifier) {
    case SetQualifier::kNone: {
      bool any = false;
      for (const auto& r : *values) {
        if (MatchesSome(c, r, context, cache)) {
          any = true;
          break;
        }
      }
      return c.negated ? !any : any;
    }
    case SetQualifier::kForAnyValue:
      for (const auto& r : *values) {
        if (MatchesSome(c, r, context, cache) != c.negated) return true;
      }
      return false;
    case SetQualifier::kForAllValues:
      for (const auto& r : *values) {
        if (MatchesSome(c, r, context, cache) == c.negated) return false;
      }
      return true;
  }
  return false;
}

}  // namespace weir::iam::internal
