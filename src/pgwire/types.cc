#include "pgwire/types.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <string_view>

#include "duckdb.hpp"

namespace weir::pgwire {

namespace {

using duckdb::idx_t;
using duckdb::LogicalType;
using duckdb::LogicalTypeId;

// PostgreSQL counts dates and timestamps from 2000-01-01, DuckDB from 1970-01-01.
constexpr int64_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = 946684800000000;
constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();

// PostgreSQL type OIDs (pg_type.dat).
namespace oid {
constexpr uint32_t kBool = 16;
constexpr uint32_t kBytea = 17;
constexpr uint32_t kChar = 18;
constexpr uint32_t kName = 19;
constexpr uint32_t kInt8 = 20;
constexpr uint32_t kInt2 = 21;
constexpr uint32_t kInt4 = 23;
constexpr uint32_t kText = 25;
constexpr uint32_t kOid = 26;
constexpr uint32_t kJson = 114;
constexpr uint32_t kFloat4 = 700;
constexpr uint32_t kFloat8 = 701;
constexpr uint32_t kUnknown = 705;
constexpr uint32_t kBpchar = 1042;
constexpr uint32_t kVarchar = 1043;
constexpr uint32_t kDate = 1082;
constexpr uint32_t kTime = 1083;
constexpr uint32_t kTimestamp = 1114;
constexpr uint32_t kTimestamptz = 1184;
constexpr uint32_t kInterval = 1186;
constexpr uint32_t kNumeric = 1700;
constexpr uint32_t kUuid = 2950;
constexpr uint32_t kJsonb = 3802;
}  // namespace oid

// How a column's values are read and written.
enum class Kind : uint8_t {
  kBool,
  kTinyint,
  kSmallint,
  kInteger,
  kBigint,
  kUTinyint,
  kUSmallint,
  kUInteger,
  kUBigint,
  kHugeint,
  kUHugeint,
  kFloat,
  kDouble,
  kDecimal16,
  kDecimal32,
  kDecimal64,
  kDecimal128,
  kVarchar,
  kBlob,
  kDate,
  kTime,
  kTimeNs,
  kTimestampSec,
  kTimestampMs,
  kTimestamp,
  kTimestampNs,
  kTimestampTz,
  kInterval,
  kUuid,
  kList,
  kArray,
  kOther,  // presented as text, through duckdb::Value
};

// A scalar PostgreSQL type and its array type.
struct PgScalar {
  PgType type;
  PgType array;
};

constexpr PgScalar kPgBool{{oid::kBool, 1, "bool"}, {1000, -1, "_bool"}};
constexpr PgScalar kPgInt2{{oid::kInt2, 2, "int2"}, {1005, -1, "_int2"}};
constexpr PgScalar kPgInt4{{oid::kInt4, 4, "int4"}, {1007, -1, "_int4"}};
constexpr PgScalar kPgInt8{{oid::kInt8, 8, "int8"}, {1016, -1, "_int8"}};
constexpr PgScalar kPgNumeric{{oid::kNumeric, -1, "numeric"}, {1231, -1, "_numeric"}};
constexpr PgScalar kPgFloat4{{oid::kFloat4, 4, "float4"}, {1021, -1, "_float4"}};
constexpr PgScalar kPgFloat8{{oid::kFloat8, 8, "float8"}, {1022, -1, "_float8"}};
constexpr PgScalar kPgText{{oid::kText, -1, "text"}, {1009, -1, "_text"}};
constexpr PgScalar kPgBytea{{oid::kBytea, -1, "bytea"}, {1001, -1, "_bytea"}};
constexpr PgScalar kPgDate{{oid::kDate, 4, "date"}, {1182, -1, "_date"}};
constexpr PgScalar kPgTime{{oid::kTime, 8, "time"}, {1183, -1, "_time"}};
constexpr PgScalar kPgTimestamp{{oid::kTimestamp, 8, "timestamp"}, {1115, -1, "_timestamp"}};
constexpr PgScalar kPgTimestamptz{{oid::kTimestamptz, 8, "timestamptz"}, {1185, -1, "_timestamptz"}};
constexpr PgScalar kPgInterval{{oid::kInterval, 16, "interval"}, {1187, -1, "_interval"}};
constexpr PgScalar kPgUuid{{oid::kUuid, 16, "uuid"}, {2951, -1, "_uuid"}};

// The kind of a scalar DuckDB type; kOther when it has no PostgreSQL counterpart.
Kind ScalarKind(const LogicalType& type) {
  switch (type.id()) {
    case LogicalTypeId::BOOLEAN:
      return Kind::kBool;
    case LogicalTypeId::TINYINT:
      return Kind::kTinyint;
    case LogicalTypeId::SMALLINT:
      return Kind::kSmallint;
    case LogicalTypeId::INTEGER:
      return Kind::kInteger;
    case LogicalTypeId::BIGINT:
      return Kind::kBigint;
    case LogicalTypeId::UTINYINT:
      return Kind::kUTinyint;
    case LogicalTypeId::USMALLINT:
      return Kind::kUSmallint;
    case LogicalTypeId::UINTEGER:
      return Kind::kUInteger;
    case LogicalTypeId::UBIGINT:
      return Kind::kUBigint;
    case LogicalTypeId::HUGEINT:
      return Kind::kHugeint;
    case LogicalTypeId::UHUGEINT:
      return Kind::kUHugeint;
    case LogicalTypeId::FLOAT:
      return Kind::kFloat;
    case LogicalTypeId::DOUBLE:
      return Kind::kDouble;
    case LogicalTypeId::DECIMAL:
      switch (type.InternalType()) {
        case duckdb::PhysicalType::INT16:
          return Kind::kDecimal16;
        case duckdb::PhysicalType::INT32:
          return Kind::kDecimal32;
        case duckdb::PhysicalType::INT64:
          return Kind::kDecimal64;
        case duckdb::PhysicalType::INT128:
          return Kind::kDecimal128;
        default:
          return Kind::kOther;
      }
    case LogicalTypeId::VARCHAR:
      return Kind::kVarchar;
    case LogicalTypeId::BLOB:
      return Kind::kBlob;
    case LogicalTypeId::DATE:
      return Kind::kDate;
    case LogicalTypeId::TIME:
      return Kind::kTime;
    case LogicalTypeId::TIME_NS:
      return Kind::kTimeNs;
    case LogicalTypeId::TIMESTAMP_SEC:
      return Kind::kTimestampSec;
    case LogicalTypeId::TIMESTAMP_MS:
      return Kind::kTimestampMs;
    case LogicalTypeId::TIMESTAMP:
      return Kind::kTimestamp;
    case LogicalTypeId::TIMESTAMP_NS:
      return Kind::kTimestampNs;
    case LogicalTypeId::TIMESTAMP_TZ:
      return Kind::kTimestampTz;
    case LogicalTypeId::INTERVAL:
      return Kind::kInterval;
    case LogicalTypeId::UUID:
      return Kind::kUuid;
    default:
      return Kind::kOther;
  }
}

const PgScalar* ScalarFor(Kind kind) {
  switch (kind) {
    case Kind::kBool:
      return &kPgBool;
    case Kind::kTinyint:
    case Kind::kSmallint:
    case Kind::kUTinyint:
      return &kPgInt2;
    case Kind::kInteger:
    case Kind::kUSmallint:
      return &kPgInt4;
    case Kind::kBigint:
    case Kind::kUInteger:
      return &kPgInt8;
    case Kind::kUBigint:
    case Kind::kHugeint:
    case Kind::kUHugeint:
    case Kind::kDecimal16:
    case Kind::kDecimal32:
    case Kind::kDecimal64:
    case Kind::kDecimal128:
      return &kPgNumeric;
    case Kind::kFloat:
      return &kPgFloat4;
    case Kind::kDouble:
      return &kPgFloat8;
    case Kind::kVarchar:
      return &kPgText;
    case Kind::kBlob:
      return &kPgBytea;
    case Kind::kDate:
      return &kPgDate;
    case Kind::kTime:
    case Kind::kTimeNs:
      return &kPgTime;
    case Kind::kTimestampSec:
    case Kind::kTimestampMs:
    case Kind::kTimestamp:
    case Kind::kTimestampNs:
      return &kPgTimestamp;
    case Kind::kTimestampTz:
      return &kPgTimestamptz;
    case Kind::kInterval:
      return &kPgInterval;
    case Kind::kUuid:
      return &kPgUuid;
    default:
      return nullptr;
  }
}

bool IsListLike(const LogicalType& type) {
  return type.id() == LogicalTypeId::LIST || type.id() == LogicalTypeId::ARRAY;
}

const LogicalType& ElementType(const LogicalType& type) {
  return type.id() == LogicalTypeId::LIST ? duckdb::ListType::GetChildType(type)
                                          : duckdb::ArrayType::GetChildType(type);
}

// The innermost element type of nested lists/arrays, and their depth.
const LogicalType& LeafType(const LogicalType& type, int* depth) {
  const LogicalType* t = &type;
  *depth = 0;
  while (IsListLike(*t)) {
    t = &ElementType(*t);
    ++*depth;
  }
  return *t;
}

// The kind a column is encoded as: lists and arrays only when their leaf is
// a known scalar (a list of structs is presented as DuckDB's text).
Kind KindOf(const LogicalType& type) {
  if (!IsListLike(type)) return ScalarKind(type);
  int depth = 0;
  if (ScalarKind(LeafType(type, &depth)) == Kind::kOther) return Kind::kOther;
  return type.id() == LogicalTypeId::LIST ? Kind::kList : Kind::kArray;
}

// --- Byte helpers --------------------------------------------------------------

void PutU16(std::string* out, uint16_t v) {
  char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(b, 2);
}

void PutU32(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(b, 4);
}

void PutU64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (56 - 8 * i));
  out->append(b, 8);
}

void PutI16(std::string* out, int16_t v) { PutU16(out, static_cast<uint16_t>(v)); }
void PutI32(std::string* out, int32_t v) { PutU32(out, static_cast<uint32_t>(v)); }
void PutI64(std::string* out, int64_t v) { PutU64(out, static_cast<uint64_t>(v)); }

void PatchI32(std::string* out, size_t pos, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  char* p = out->data() + pos;
  p[0] = static_cast<char>(u >> 24);
  p[1] = static_cast<char>(u >> 16);
  p[2] = static_cast<char>(u >> 8);
  p[3] = static_cast<char>(u);
}

// Starts a length-prefixed item; FinishItem fills in the length.
size_t BeginItem(std::string* out) {
  size_t pos = out->size();
  out->append(4, '\0');
  return pos;
}

void FinishItem(std::string* out, size_t pos) { PatchI32(out, pos, static_cast<int32_t>(out->size() - pos - 4)); }

// Starts a backend message of `type`; FinishMessage fills in its length.
size_t BeginMessage(std::string* out, char type) {
  out->push_back(type);
  return BeginItem(out);
}

void FinishMessage(std::string* out, size_t pos) { PatchI32(out, pos, static_cast<int32_t>(out->size() - pos)); }

template <typename T>
void AppendInt(T v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

void AppendPadded(uint64_t v, int width, std::string* out);

// Decimal digits of a 128-bit magnitude.
void AppendU128(unsigned __int128 v, std::string* out) {
  constexpr uint64_t kChunk = 10000000000000000000ULL;  // 10^19
  uint64_t parts[3];
  int n = 0;
  while (v > std::numeric_limits<uint64_t>::max()) {
    parts[n++] = static_cast<uint64_t>(v % kChunk);
    v /= kChunk;
  }
  AppendInt(static_cast<uint64_t>(v), out);
  while (n > 0) AppendPadded(parts[--n], 19, out);
}

void AppendPadded(uint64_t v, int width, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  for (int n = static_cast<int>(r.ptr - buf); n < width; ++n) out->push_back('0');
  out->append(buf, r.ptr);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

unsigned __int128 Magnitude(__int128 v) {
  return v < 0 ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(v)
               : static_cast<unsigned __int128>(v);
}

__int128 FromHugeint(const duckdb::hugeint_t& h) {
  return static_cast<__int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(h.upper)) << 64) | h.lower);
}

unsigned __int128 FromUHugeint(const duckdb::uhugeint_t& h) {
  return (static_cast<unsigned __int128>(h.upper) << 64) | h.lower;
}

// --- Text encodings ---------------------------------------------------------------

// float8out/float4out with extra_float_digits 1: the shortest digits that
// round-trip, fixed notation for decimal exponents in [-4, 15) (float8) or
// [-4, 6) (float4), otherwise d.ddde±XX.
template <typename F>
void AppendFloat(F v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "Infinity" : "-Infinity");
    return;
  }
  if (v == 0) {
    out->append(std::signbit(v) ? "-0" : "0");
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  size_t e = s.find('e');
  char digits[32];
  int n = 0;
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') digits[n++] = s[i];
  }
  int exp = 0;
  std::string_view exp_text = s.substr(e + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);

  constexpr int kFixedLimit = sizeof(F) == 4 ? 6 : 15;
  if (negative) out->push_back('-');
  if (exp >= -4 && exp < kFixedLimit) {
    if (exp < 0) {
      out->append("0.");
      out->append(static_cast<size_t>(-exp - 1), '0');
      out->append(digits, static_cast<size_t>(n));
    } else if (n <= exp + 1) {
      out->append(digits, static_cast<size_t>(n));
      out->append(static_cast<size_t>(exp + 1 - n), '0');
    } else {
      out->append(digits, static_cast<size_t>(exp + 1));
      out->push_back('.');
      out->append(digits + exp + 1, static_cast<size_t>(n - exp - 1));
    }
    return;
  }
  out->push_back(digits[0]);
  if (n > 1) {
    out->push_back('.');
    out->append(digits + 1, static_cast<size_t>(n - 1));
  }
  out->push_back('e');
  out->push_back(exp < 0 ? '-' : '+');
  AppendPadded(static_cast<uint64_t>(exp < 0 ? -exp : exp), 2, out);
}

// Writes the decimal digits of `v` backwards ending at `end`; returns the first.
char* DigitsBackward(unsigned __int128 v, char* end) {
  char* p = end;
  while (v > std::numeric_limits<uint64_t>::max()) {
    *--p = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  auto small = static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + small % 10);
    small /= 10;
  } while (small != 0);
  return p;
}

// A scaled integer as numeric text with exactly `scale` fraction digits.
void AppendDecimalText(bool negative, unsigned __int128 magnitude, int scale, std::string* out) {
  char buf[96];  // 39 digits at most, zero-padded to scale (<= 38) + 1
  char* end = buf + sizeof(buf);
  char* p = DigitsBackward(magnitude, end);
  if (negative && !(p == end - 1 && *p == '0')) out->push_back('-');
  auto n = static_cast<int>(end - p);
  if (scale <= 0) {
    out->append(p, end);
    return;
  }
  scale = std::min(scale, 80);
  while (n <= scale) {
    *--p = '0';
    ++n;
  }
  out->append(p, static_cast<size_t>(n - scale));
  out->push_back('.');
  out->append(end - scale, static_cast<size_t>(scale));
}

// Proleptic Gregorian civil date from days since 1970-01-01 (astronomical
// years: 0 is 1 BC). Howard Hinnant's algorithm.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

// YYYY-MM-DD; returns true when the year is BC (the caller appends " BC").
bool AppendDate(int64_t days, std::string* out) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  bool bc = y <= 0;
  if (bc) y = 1 - y;
  AppendPadded(static_cast<uint64_t>(y), 4, out);
  out->push_back('-');
  AppendPadded(m, 2, out);
  out->push_back('-');
  AppendPadded(d, 2, out);
  return bc;
}

// ".ffffff" without trailing zeros; nothing for 0.
void AppendFraction(int64_t micros, std::string* out) {
  if (micros == 0) return;
  char buf[7] = {'.'};
  for (int i = 6; i >= 1; --i) {
    buf[i] = static_cast<char>('0' + micros % 10);
    micros /= 10;
  }
  int len = 7;
  while (buf[len - 1] == '0') --len;
  out->append(buf, static_cast<size_t>(len));
}

void AppendTimeOfDay(int64_t micros, std::string* out) {
  int64_t hour = micros / kMicrosPerHour;
  micros -= hour * kMicrosPerHour;
  int64_t min = micros / kMicrosPerMinute;
  micros -= min * kMicrosPerMinute;
  int64_t sec = micros / kMicrosPerSecond;
  micros -= sec * kMicrosPerSecond;
  AppendPadded(static_cast<uint64_t>(hour), 2, out);
  out->push_back(':');
  AppendPadded(static_cast<uint64_t>(min), 2, out);
  out->push_back(':');
  AppendPadded(static_cast<uint64_t>(sec), 2, out);
  AppendFraction(micros, out);
}

void AppendDateText(int32_t days, std::string* out) {
  if (days == duckdb::date_t::infinity().days) {
    out->append("infinity");
  } else if (days == duckdb::date_t::ninfinity().days) {
    out->append("-infinity");
  } else if (AppendDate(days, out)) {
    out->append(" BC");
  }
}

// Infinity sentinel of a timestamp in any unit: +1, -1, or 0 when finite.
int TimestampInfinity(int64_t raw) {
  if (raw == kInt64Max) return 1;
  if (raw == -kInt64Max || raw == kInt64Min) return -1;
  return 0;
}

// A timestamp of `kind` in microseconds since 1970; saturates to the
// infinity sentinels when the conversion overflows.
int64_t TimestampMicros(Kind kind, int64_t raw) {
  if (int inf = TimestampInfinity(raw)) return inf > 0 ? kInt64Max : -kInt64Max;
  int64_t us = raw;
  switch (kind) {
    case Kind::kTimestampSec:
      if (__builtin_mul_overflow(raw, kMicrosPerSecond, &us)) return raw > 0 ? kInt64Max : -kInt64Max;
      break;
    case Kind::kTimestampMs:
      if (__builtin_mul_overflow(raw, int64_t{1000}, &us)) return raw > 0 ? kInt64Max : -kInt64Max;
      break;
    case Kind::kTimestampNs:
      us = FloorDiv(raw, 1000);
      break;
    default:
      break;
  }
  return us;
}

void AppendTimestampText(int64_t us, bool with_zone, std::string* out) {
  if (int inf = TimestampInfinity(us)) {
    out->append(inf > 0 ? "infinity" : "-infinity");
    return;
  }
  int64_t days = FloorDiv(us, kMicrosPerDay);
  bool bc = AppendDate(days, out);
  out->push_back(' ');
  AppendTimeOfDay(us - days * kMicrosPerDay, out);
  if (with_zone) out->append("+00");
  if (bc) out->append(" BC");
}

// IntervalStyle postgres (interval_out → EncodeInterval INTSTYLE_POSTGRES).
void AppendIntervalText(const duckdb::interval_t& iv, std::string* out) {
  bool is_zero = true;
  bool is_before = false;
  auto part = [&](int64_t value, const char* unit) {
    if (value == 0) return;
    if (!is_zero) out->push_back(' ');
    if (is_before && value > 0) out->push_back('+');
    AppendInt(value, out);
    out->push_back(' ');
    out->append(unit);
    if (value != 1) out->push_back('s');
    is_before = value < 0;
    is_zero = false;
  };
  part(iv.months / 12, "year");
  part(iv.months % 12, "mon");
  part(iv.days, "day");
  int64_t time = iv.micros;
  int64_t hour = time / kMicrosPerHour;
  time -= hour * kMicrosPerHour;
  int64_t min = time / kMicrosPerMinute;
  time -= min * kMicrosPerMinute;
  int64_t sec = time / kMicrosPerSecond;
  int64_t fsec = time - sec * kMicrosPerSecond;
  if (is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
    bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
    if (!is_zero) out->push_back(' ');
    if (minus) {
      out->push_back('-');
    } else if (is_before) {
      out->push_back('+');
    }
    auto abs = [](int64_t v) { return static_cast<uint64_t>(v < 0 ? -v : v); };
    AppendPadded(abs(hour), 2, out);
    out->push_back(':');
    AppendPadded(abs(min), 2, out);
    out->push_back(':');
    AppendPadded(abs(sec), 2, out);
    AppendFraction(static_cast<int64_t>(abs(fsec)), out);
  }
}

// DuckDB stores a UUID as a hugeint with the top bit flipped (for ordering).
void UuidBytes(const duckdb::hugeint_t& h, uint64_t* hi, uint64_t* lo) {
  *hi = static_cast<uint64_t>(h.upper) ^ (uint64_t{1} << 63);
  *lo = h.lower;
}

void AppendUuidText(const duckdb::hugeint_t& h, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hi = 0, lo = 0;
  UuidBytes(h, &hi, &lo);
  char buf[36];
  int p = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) buf[p++] = '-';
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    buf[p++] = kHex[(word >> shift) & 0xF];
  }
  out->append(buf, sizeof(buf));
}

void AppendByteaText(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\x");
  size_t start = out->size();
  out->resize(start + 2 * bytes.size());
  char* p = out->data() + start;
  for (unsigned char c : bytes) {
    *p++ = kHex[c >> 4];
    *p++ = kHex[c & 0xF];
  }
}

// array_out's quoting of one element.
void AppendArrayElement(std::string_view text, std::string* out) {
  bool quote = text.empty() || (text.size() == 4 && (text[0] | 0x20) == 'n' && (text[1] | 0x20) == 'u' &&
                                (text[2] | 0x20) == 'l' && (text[3] | 0x20) == 'l');
  for (char c : text) {
    if (quote) break;
    switch (c) {
      case '"':
      case '\\':
      case '{':
      case '}':
      case ',':
      case ' ':
      case '\t':
      case '\n':
      case '\r':
      case '\v':
      case '\f':
        quote = true;
        break;
      default:
        break;
    }
  }
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

// --- Numeric binary ---------------------------------------------------------------

// numeric_send for a scaled integer: base-10000 digits aligned on the
// decimal point, leading and trailing zero digits stripped.
void AppendNumericBinary(bool negative, unsigned __int128 magnitude, int scale, std::string* out) {
  char digits[48];
  char* end = digits + sizeof(digits);
  char* p = DigitsBackward(magnitude, end);
  int n = static_cast<int>(end - p);
  int int_len = std::max(n - scale, 0);
  int int_groups = (int_len + 3) / 4;
  int frac_groups = (scale + 3) / 4;
  // Digit at position k counted from the most significant digit of the
  // first (padded) integer group; the padded integer part is int_groups*4 long.
  int lead = int_groups * 4 - int_len;  // zeros padding the integer part
  auto digit_at = [&](int k) -> int {
    // k indexes the padded string: [lead zeros][n digits, possibly with
    // leading fraction zeros when n < scale][trailing zeros].
    int rel = k - lead;
    int zeros_before = std::max(scale - n, 0);  // fraction zeros before the digits
    rel -= zeros_before;
    if (rel < 0 || rel >= n) return 0;
    return p[rel] - '0';
  };
  int total = int_groups + frac_groups;
  uint16_t groups[32];
  for (int g = 0; g < total && g < 32; ++g) {
    int v = 0;
    for (int i = 0; i < 4; ++i) v = v * 10 + digit_at(g * 4 + i);
    groups[g] = static_cast<uint16_t>(v);
  }
  int first = 0, last = std::min(total, 32);
  int weight = int_groups - 1;
  while (first < last && groups[first] == 0) {
    ++first;
    --weight;
  }
  while (last > first && groups[last - 1] == 0) --last;
  if (first == last) {
    weight = 0;
    negative = false;
  }
  PutI16(out, static_cast<int16_t>(last - first));
  PutI16(out, static_cast<int16_t>(weight));
  PutU16(out, negative ? 0x4000 : 0x0000);
  PutI16(out, static_cast<int16_t>(scale));
  for (int g = first; g < last; ++g) PutU16(out, groups[g]);
}

// --- Reading DuckDB vectors ---------------------------------------------------------

// One column (or a list's elements) of a chunk, in unified format.
struct Column {
  Kind kind = Kind::kOther;
  int scale = 0;  // decimals
  duckdb::Vector* vector = nullptr;
  duckdb::UnifiedVectorFormat format;
  idx_t array_size = 0;           // kArray
  std::unique_ptr<Column> child;  // kList, kArray
  // Roots of lists/arrays: dimensions and the element type.
  int ndim = 0;
  uint32_t element_oid = 0;
  std::string scratch;  // element text while quoting
};

void Bind(Column* c, const LogicalType& type, Kind kind, duckdb::Vector& vector, idx_t count) {
  c->kind = kind;
  c->vector = &vector;
  vector.ToUnifiedFormat(count, c->format);
  if (type.id() == LogicalTypeId::DECIMAL) c->scale = duckdb::DecimalType::GetScale(type);
  if (kind == Kind::kList || kind == Kind::kArray) {
    int depth = 0;
    const LogicalType& leaf = LeafType(type, &depth);
    c->ndim = depth;
    c->element_oid = ScalarFor(ScalarKind(leaf))->type.oid;
    const LogicalType& element = ElementType(type);
    c->child = std::make_unique<Column>();
    duckdb::Vector* child = nullptr;
    idx_t child_count = 0;
    if (kind == Kind::kList) {
      child = &duckdb::ListVector::GetEntry(vector);
      child_count = duckdb::ListVector::GetListSize(vector);
    } else {
      child = &duckdb::ArrayVector::GetEntry(vector);
      child_count = duckdb::ArrayVector::GetTotalSize(vector);
      c->array_size = duckdb::ArrayType::GetSize(type);
    }
    Bind(c->child.get(), element, KindOf(element), *child, child_count);
  }
}

std::vector<Column> BindChunk(duckdb::DataChunk& chunk) {
  std::vector<Column> columns(chunk.ColumnCount());
  for (idx_t i = 0; i < chunk.ColumnCount(); ++i) {
    duckdb::Vector& v = chunk.data[i];
    Bind(&columns[i], v.GetType(), KindOf(v.GetType()), v, chunk.size());
  }
  return columns;
}

// Maps a logical index to the physical one; false when the value is NULL.
bool Fetch(const Column& c, idx_t idx, idx_t* phys) {
  *phys = c.format.sel->get_index(idx);
  return c.format.validity.RowIsValid(*phys);
}

template <typename T>
const T& At(const Column& c, idx_t phys) {
  return reinterpret_cast<const T*>(c.format.data)[phys];
}

struct Range {
  idx_t offset = 0;
  idx_t length = 0;
};

Range ListRange(const Column& c, idx_t phys) {
  if (c.kind == Kind::kArray) return {phys * c.array_size, c.array_size};
  const auto& entry = At<duckdb::list_entry_t>(c, phys);
  return {entry.offset, entry.length};
}

std::string_view StringAt(const Column& c, idx_t phys) {
  const auto& s = At<duckdb::string_t>(c, phys);
  return {s.GetData(), s.GetSize()};
}

int64_t IntegerAt(const Column& c, idx_t phys) {
  switch (c.kind) {
    case Kind::kTinyint:
      return At<int8_t>(c, phys);
    case Kind::kSmallint:
    case Kind::kDecimal16:
      return At<int16_t>(c, phys);
    case Kind::kInteger:
    case Kind::kDecimal32:
      return At<int32_t>(c, phys);
    case Kind::kUTinyint:
      return At<uint8_t>(c, phys);
    case Kind::kUSmallint:
      return At<uint16_t>(c, phys);
    case Kind::kUInteger:
      return At<uint32_t>(c, phys);
    default:
      return At<int64_t>(c, phys);
  }
}

// A numeric-presented value as sign, magnitude and scale.
void NumericAt(const Column& c, idx_t phys, bool* negative, unsigned __int128* magnitude, int* scale) {
  *scale = c.scale;
  __int128 v = 0;
  switch (c.kind) {
    case Kind::kUBigint:
      *negative = false;
      *magnitude = At<uint64_t>(c, phys);
      return;
    case Kind::kUHugeint:
      *negative = false;
      *magnitude = FromUHugeint(At<duckdb::uhugeint_t>(c, phys));
      return;
    case Kind::kHugeint:
    case Kind::kDecimal128:
      v = FromHugeint(At<duckdb::hugeint_t>(c, phys));
      break;
    default:
      v = IntegerAt(c, phys);
      break;
  }
  *negative = v < 0;
  *magnitude = Magnitude(v);
}

int64_t TimeMicrosAt(const Column& c, idx_t phys) {
  int64_t raw = At<duckdb::dtime_t>(c, phys).micros;
  return c.kind == Kind::kTimeNs ? raw / 1000 : raw;
}

void AppendText(Column& c, idx_t phys, idx_t idx, std::string* out);

void AppendArrayText(Column& c, idx_t phys, std::string* out) {
  Range range = ListRange(c, phys);
  Column& child = *c.child;
  bool nested = child.kind == Kind::kList || child.kind == Kind::kArray;
  out->push_back('{');
  for (idx_t j = 0; j < range.length; ++j) {
    if (j > 0) out->push_back(',');
    idx_t idx = range.offset + j;
    idx_t child_phys = 0;
    if (!Fetch(child, idx, &child_phys)) {
      out->append("NULL");
    } else if (nested) {
      AppendArrayText(child, child_phys, out);
    } else {
      child.scratch.clear();
      AppendText(child, child_phys, idx, &child.scratch);
      AppendArrayElement(child.scratch, out);
    }
  }
  out->push_back('}');
}

// The text form of a non-NULL value.
void AppendText(Column& c, idx_t phys, idx_t idx, std::string* out) {
  switch (c.kind) {
    case Kind::kBool:
      out->push_back(At<bool>(c, phys) ? 't' : 'f');
      return;
    case Kind::kTinyint:
    case Kind::kSmallint:
    case Kind::kInteger:
    case Kind::kBigint:
    case Kind::kUTinyint:
    case Kind::kUSmallint:
    case Kind::kUInteger:
      AppendInt(IntegerAt(c, phys), out);
      return;
    case Kind::kUBigint:
      AppendInt(At<uint64_t>(c, phys), out);
      return;
    case Kind::kHugeint:
    case Kind::kUHugeint:
    case Kind::kDecimal16:
    case Kind::kDecimal32:
    case Kind::kDecimal64:
    case Kind::kDecimal128: {
      bool negative = false;
      unsigned __int128 magnitude = 0;
      int scale = 0;
      NumericAt(c, phys, &negative, &magnitude, &scale);
      AppendDecimalText(negative, magnitude, scale, out);
      return;
    }
    case Kind::kFloat:
      AppendFloat(At<float>(c, phys), out);
      return;
    case Kind::kDouble:
      AppendFloat(At<double>(c, phys), out);
      return;
    case Kind::kVarchar:
      out->append(StringAt(c, phys));
      return;
    case Kind::kBlob:
      AppendByteaText(StringAt(c, phys), out);
      return;
    case Kind::kDate:
      AppendDateText(At<duckdb::date_t>(c, phys).days, out);
      return;
    case Kind::kTime:
    case Kind::kTimeNs:
      AppendTimeOfDay(TimeMicrosAt(c, phys), out);
      return;
    case Kind::kTimestampSec:
    case Kind::kTimestampMs:
    case Kind::kTimestamp:
    case Kind::kTimestampNs:
      AppendTimestampText(TimestampMicros(c.kind, At<int64_t>(c, phys)), false, out);
      return;
    case Kind::kTimestampTz:
      AppendTimestampText(At<int64_t>(c, phys), true, out);
      return;
    case Kind::kInterval:
      AppendIntervalText(At<duckdb::interval_t>(c, phys), out);
      return;
    case Kind::kUuid:
      AppendUuidText(At<duckdb::hugeint_t>(c, phys), out);
      return;
    case Kind::kList:
    case Kind::kArray:
      AppendArrayText(c, phys, out);
      return;
    case Kind::kOther:
      out->append(c.vector->GetValue(idx).ToString());
      return;
  }
}

// PostgreSQL's binary timestamp: µs since 2000, infinities as int64 extremes.
int64_t PgTimestamp(int64_t us) {
  if (int inf = TimestampInfinity(us)) return inf > 0 ? kInt64Max : kInt64Min;
  int64_t pg = 0;
  if (__builtin_sub_overflow(us, kPgEpochMicros, &pg)) return kInt64Min;
  return pg;
}

int32_t PgDate(int32_t days) {
  if (days == duckdb::date_t::infinity().days) return kInt32Max;
  if (days == duckdb::date_t::ninfinity().days) return kInt32Min;
  int64_t pg = int64_t{days} - kPgEpochDays;
  return static_cast<int32_t>(std::clamp<int64_t>(pg, kInt32Min + 1, kInt32Max - 1));
}

void ComputeDims(Column& c, idx_t phys, size_t level, std::vector<int64_t>* dims) {
  Range range = ListRange(c, phys);
  (*dims)[level] = std::max<int64_t>((*dims)[level], static_cast<int64_t>(range.length));
  if (level + 1 >= dims->size()) return;
  Column& child = *c.child;
  for (idx_t j = 0; j < range.length; ++j) {
    idx_t child_phys = 0;
    if (Fetch(child, range.offset + j, &child_phys)) ComputeDims(child, child_phys, level + 1, dims);
  }
}

void AppendBinary(Column& c, idx_t phys, idx_t idx, std::string* out);

// Elements of the sub-array at `level` in row-major order; a shorter or
// NULL sub-list is padded with NULLs to the dimensions.
void AppendArrayElements(Column& c, bool valid, idx_t phys, size_t level, const std::vector<int64_t>& dims,
                         bool* has_null, std::string* out) {
  Range range = valid ? ListRange(c, phys) : Range{};
  Column& child = *c.child;
  bool leaf = level + 1 == dims.size();
  for (int64_t j = 0; j < dims[level]; ++j) {
    idx_t idx = range.offset + static_cast<idx_t>(j);
    idx_t child_phys = 0;
    bool child_valid = static_cast<idx_t>(j) < range.length && Fetch(child, idx, &child_phys);
    if (!leaf) {
      AppendArrayElements(child, child_valid, child_phys, level + 1, dims, has_null, out);
    } else if (!child_valid) {
      *has_null = true;
      PutI32(out, -1);
    } else {
      size_t item = BeginItem(out);
      AppendBinary(child, child_phys, idx, out);
      FinishItem(out, item);
    }
  }
}

// PostgreSQL's MaxArraySize: no client can take a larger array, so a list
// whose (padded) box exceeds it is sent as an empty array.
constexpr int64_t kMaxPaddedElements = 0x3FFFFFFF / 8;

void AppendArrayBinary(Column& c, idx_t phys, std::string* out) {
  std::vector<int64_t> dims(static_cast<size_t>(c.ndim), 0);
  ComputeDims(c, phys, 0, &dims);
  int64_t total = 1;
  for (int64_t d : dims) {
    if (d == 0 || d > kInt32Max || total > kMaxPaddedElements / d) {
      total = 0;
      break;
    }
    total *= d;
  }
  if (total == 0) {
    PutI32(out, 0);
    PutI32(out, 0);
    PutU32(out, c.element_oid);
    return;
  }
  PutI32(out, c.ndim);
  size_t flag = out->size();
  PutI32(out, 0);
  PutU32(out, c.element_oid);
  for (int64_t d : dims) {
    PutI32(out, static_cast<int32_t>(d));
    PutI32(out, 1);
  }
  bool has_null = false;
  AppendArrayElements(c, true, phys, 0, dims, &has_null, out);
  if (has_null) PatchI32(out, flag, 1);
}

// The binary (send) form of a non-NULL value.
void AppendBinary(Column& c, idx_t phys, idx_t idx, std::string* out) {
  switch (c.kind) {
    case Kind::kBool:
      out->push_back(At<bool>(c, phys) ? 1 : 0);
      return;
    case Kind::kTinyint:
    case Kind::kSmallint:
    case Kind::kUTinyint:
      PutI16(out, static_cast<int16_t>(IntegerAt(c, phys)));
      return;
    case Kind::kInteger:
    case Kind::kUSmallint:
      PutI32(out, static_cast<int32_t>(IntegerAt(c, phys)));
      return;
    case Kind::kBigint:
    case Kind::kUInteger:
      PutI64(out, IntegerAt(c, phys));
      return;
    case Kind::kUBigint:
    case Kind::kHugeint:
    case Kind::kUHugeint:
    case Kind::kDecimal16:
    case Kind::kDecimal32:
    case Kind::kDecimal64:
    case Kind::kDecimal128: {
      bool negative = false;
      unsigned __int128 magnitude = 0;
      int scale = 0;
      NumericAt(c, phys, &negative, &magnitude, &scale);
      AppendNumericBinary(negative, magnitude, scale, out);
      return;
    }
    case Kind::kFloat: {
      uint32_t bits = 0;
      std::memcpy(&bits, &At<float>(c, phys), 4);
      PutU32(out, bits);
      return;
    }
    case Kind::kDouble: {
      uint64_t bits = 0;
      std::memcpy(&bits, &At<double>(c, phys), 8);
      PutU64(out, bits);
      return;
    }
    case Kind::kVarchar:
    case Kind::kBlob:
      out->append(StringAt(c, phys));
      return;
    case Kind::kDate:
      PutI32(out, PgDate(At<duckdb::date_t>(c, phys).days));
      return;
    case Kind::kTime:
    case Kind::kTimeNs:
      PutI64(out, TimeMicrosAt(c, phys));
      return;
    case Kind::kTimestampSec:
    case Kind::kTimestampMs:
    case Kind::kTimestamp:
    case Kind::kTimestampNs:
      PutI64(out, PgTimestamp(TimestampMicros(c.kind, At<int64_t>(c, phys))));
      return;
    case Kind::kTimestampTz:
      PutI64(out, PgTimestamp(At<int64_t>(c, phys)));
      return;
    case Kind::kInterval: {
      const auto& iv = At<duckdb::interval_t>(c, phys);
      PutI64(out, iv.micros);
      PutI32(out, iv.days);
      PutI32(out, iv.months);
      return;
    }
    case Kind::kUuid: {
      uint64_t hi = 0, lo = 0;
      UuidBytes(At<duckdb::hugeint_t>(c, phys), &hi, &lo);
      PutU64(out, hi);
      PutU64(out, lo);
      return;
    }
    case Kind::kList:
    case Kind::kArray:
      AppendArrayBinary(c, phys, out);
      return;
    case Kind::kOther:
      out->append(c.vector->GetValue(idx).ToString());
      return;
  }
}

// --- COPY escaping -------------------------------------------------------------------

// CopyAttributeOutText.
void AppendCopyText(std::string_view text, char delimiter, std::string* out) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char escaped = 0;
    if (static_cast<unsigned char>(c) < 0x20) {
      switch (c) {
        case '\b':
          escaped = 'b';
          break;
        case '\f':
          escaped = 'f';
          break;
        case '\n':
          escaped = 'n';
          break;
        case '\r':
          escaped = 'r';
          break;
        case '\t':
          escaped = 't';
          break;
        case '\v':
          escaped = 'v';
          break;
        default:
          if (c == delimiter) escaped = c;
          break;
      }
    } else if (c == '\\' || c == delimiter) {
      escaped = c;
    }
    if (escaped == 0) continue;
    out->append(text.substr(start, i - start));
    out->push_back('\\');
    out->push_back(escaped);
    start = i + 1;
  }
  out->append(text.substr(start));
}

// CopyAttributeOutCSV.
void AppendCopyCsv(std::string_view text, const CopyOptions& o, bool force_quote, bool single_column,
                   std::string* out) {
  bool quote = force_quote || text == o.null_string || (single_column && text == "\\.");
  if (!quote) {
    for (char c : text) {
      if (c == o.delimiter || c == o.quote || c == o.escape || c == '\n' || c == '\r') {
        quote = true;
        break;
      }
    }
  }
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back(o.quote);
  for (char c : text) {
    if (c == o.quote || c == o.escape) out->push_back(o.escape);
    out->push_back(c);
  }
  out->push_back(o.quote);
}

// --- Parameters ----------------------------------------------------------------------

Status BadText(std::string_view type, std::string_view text) {
  constexpr size_t kShown = 64;
  std::string shown(text.substr(0, kShown));
  if (text.size() > kShown) shown += "...";
  return Status::DataError("invalid input syntax for type " + std::string(type) + ": \"" + shown + "\"");
}

Status BadBinary(std::string_view type, size_t got, size_t want) {
  return Status::DataError("incorrect binary data format for " + std::string(type) +
                           " parameter: " + std::to_string(got) + " bytes, expected " + std::to_string(want));
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      if (c == 0) return false;  // PostgreSQL text cannot hold NUL
      ++i;
      continue;
    }
    int len = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = p[i + static_cast<size_t>(k)];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += static_cast<size_t>(len);
  }
  return true;
}

Result<duckdb::Value> TextValue(std::string_view bytes) {
  if (!ValidUtf8(bytes)) return Status::DataError("invalid byte sequence for encoding \"UTF8\" in a text parameter");
  return duckdb::Value(std::string(bytes));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// `s` is a non-empty prefix of `word` (parse_bool_with_len).
bool PrefixIgnoreCase(std::string_view s, std::string_view word, size_t min_len = 1) {
  return s.size() >= min_len && s.size() <= word.size() && EqualsIgnoreCase(s, word.substr(0, s.size()));
}

Result<duckdb::Value> ParseBool(std::string_view raw) {
  std::string_view s = Trim(raw);
  if (!s.empty()) {
    switch (std::tolower(static_cast<unsigned char>(s[0]))) {
      case 't':
        if (PrefixIgnoreCase(s, "true")) return duckdb::Value::BOOLEAN(true);
        break;
      case 'f':
        if (PrefixIgnoreCase(s, "false")) return duckdb::Value::BOOLEAN(false);
        break;
      case 'y':
        if (PrefixIgnoreCase(s, "yes")) return duckdb::Value::BOOLEAN(true);
        break;
      case 'n':
        if (PrefixIgnoreCase(s, "no")) return duckdb::Value::BOOLEAN(false);
        break;
      case 'o':
        if (PrefixIgnoreCase(s, "on", 2)) return duckdb::Value::BOOLEAN(true);
        if (PrefixIgnoreCase(s, "off", 2)) return duckdb::Value::BOOLEAN(false);
        break;
      case '1':
        if (s.size() == 1) return duckdb::Value::BOOLEAN(true);
        break;
      case '0':
        if (s.size() == 1) return duckdb::Value::BOOLEAN(false);
        break;
      default:
        break;
    }
  }
  return BadText("boolean", raw);
}

Result<int64_t> ParseInteger(std::string_view raw, int64_t min, int64_t max, std::string_view type) {
  std::string_view s = Trim(raw);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return BadText(type, raw);
  uint64_t magnitude = 0;
  bool overflow = false;
  for (char c : s) {
    if (c < '0' || c > '9') return BadText(type, raw);
    if (__builtin_mul_overflow(magnitude, uint64_t{10}, &magnitude) ||
        __builtin_add_overflow(magnitude, static_cast<uint64_t>(c - '0'), &magnitude)) {
      overflow = true;
    }
  }
  const uint64_t limit = negative ? static_cast<uint64_t>(-(min + 1)) + 1 : static_cast<uint64_t>(max);
  if (overflow || magnitude > limit) {
    return Status::DataError("value \"" + std::string(Trim(raw)) + "\" is out of range for type " + std::string(type));
  }
  return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
}

template <typename F>
Result<F> ParseFloat(std::string_view raw, std::string_view type) {
  std::string_view s = Trim(raw);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "inf")) {
    return negative ? -std::numeric_limits<F>::infinity() : std::numeric_limits<F>::infinity();
  }
  if (EqualsIgnoreCase(s, "nan")) return std::numeric_limits<F>::quiet_NaN();
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.')) return BadText(type, raw);
  F value = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), value, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range) {
    return Status::DataError("\"" + std::string(Trim(raw)) + "\" is out of range for type " + std::string(type));
  }
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return BadText(type, raw);
  return negative ? -value : value;
}

constexpr int kMaxDecimalWidth = 38;

// numeric text → DECIMAL(18 or 38, its own scale); DOUBLE for NaN,
// infinities and values that need more than 38 digits.
Result<duckdb::Value> ParseNumeric(std::string_view raw) {
  std::string_view s = Trim(raw);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (EqualsIgnoreCase(s, "nan")) return duckdb::Value::DOUBLE(std::numeric_limits<double>::quiet_NaN());
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "inf")) {
    return duckdb::Value::DOUBLE(negative ? -std::numeric_limits<double>::infinity()
                                          : std::numeric_limits<double>::infinity());
  }
  std::string digits;  // significant digits: leading zeros dropped
  int64_t scale = 0;   // digits after the decimal point
  size_t i = 0;
  bool any_digit = false;
  bool point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (!(digits.empty() && c == '0')) digits.push_back(c);
      if (point) ++scale;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return BadText("numeric", raw);
  if (i < s.size()) {
    // Exponent: [eE][+-]digits, nothing after it.
    if (s[i] != 'e' && s[i] != 'E') return BadText("numeric", raw);
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    if (i >= s.size()) return BadText("numeric", raw);
    int64_t exponent = 0;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return BadText("numeric", raw);
      exponent = std::min<int64_t>(exponent * 10 + (s[i] - '0'), 1000000000);
    }
    scale += exp_negative ? exponent : -exponent;
  }
  if (digits.empty()) {  // zero keeps its scale, within DuckDB's limits
    return duckdb::Value::DECIMAL(int64_t{0}, static_cast<uint8_t>(18),
                                  static_cast<uint8_t>(std::clamp<int64_t>(scale, 0, 18)));
  }
  // Fraction zeros beyond what DECIMAL can hold carry no value.
  while (scale > kMaxDecimalWidth && digits.back() == '0') {
    digits.pop_back();
    --scale;
  }
  bool fits = scale <= kMaxDecimalWidth &&
              static_cast<int64_t>(digits.size()) - std::min<int64_t>(scale, 0) <= kMaxDecimalWidth;
  if (!fits) {
    // Beyond DuckDB's DECIMAL: a DOUBLE approximation.
    WEIR_ASSIGN_OR_RETURN(double d, ParseFloat<double>(raw, "numeric"));
    return duckdb::Value::DOUBLE(d);
  }
  if (scale < 0) {
    digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  __int128 value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  if (negative) value = -value;
  auto width = std::max<int64_t>(static_cast<int64_t>(digits.size()), scale);
  auto u_scale = static_cast<uint8_t>(scale);
  if (width <= 18) return duckdb::Value::DECIMAL(static_cast<int64_t>(value), static_cast<uint8_t>(18), u_scale);
  duckdb::hugeint_t h;
  h.lower = static_cast<uint64_t>(value);
  h.upper = static_cast<int64_t>(value >> 64);
  return duckdb::Value::DECIMAL(h, static_cast<uint8_t>(kMaxDecimalWidth), u_scale);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// byteain: hex ("\x…") or escape format.
Result<duckdb::Value> ParseBytea(std::string_view s) {
  std::string bytes;
  if (s.size() >= 2 && s[0] == '\\' && s[1] == 'x') {
    for (size_t i = 2; i < s.size();) {
      if (IsSpace(s[i])) {
        ++i;
        continue;
      }
      int hi = HexValue(s[i]);
      if (hi < 0) return Status::DataError("invalid hexadecimal digit in a bytea parameter");
      if (i + 1 >= s.size()) return Status::DataError("invalid hexadecimal data: odd number of digits");
      int lo = HexValue(s[i + 1]);
      if (lo < 0) return Status::DataError("invalid hexadecimal digit in a bytea parameter");
      bytes.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  } else {
    for (size_t i = 0; i < s.size();) {
      if (s[i] != '\\') {
        bytes.push_back(s[i++]);
        continue;
      }
      if (i + 1 < s.size() && s[i + 1] == '\\') {
        bytes.push_back('\\');
        i += 2;
        continue;
      }
      if (i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
          s[i + 3] >= '0' && s[i + 3] <= '7') {
        bytes.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
        i += 4;
        continue;
      }
      return BadText("bytea", s);
    }
  }
  return duckdb::Value::BLOB(reinterpret_cast<const duckdb::data_t*>(bytes.data()), bytes.size());
}

// Text parsed by DuckDB's own cast (dates, times, timestamps, intervals, uuids).
Result<duckdb::Value> CastText(std::string_view text, const LogicalType& type, std::string_view pg_name) {
  if (!ValidUtf8(text)) return Status::DataError("invalid byte sequence for encoding \"UTF8\" in a parameter");
  try {
    duckdb::Value result;
    std::string error;
    std::string trimmed(Trim(text));
    if (duckdb::Value(trimmed).DefaultTryCastAs(type, result, &error, false)) return result;
    // PostgreSQL reads a date or a timestamp without time zone and ignores a
    // zone after it ("2024-01-02 +00", "2024-01-02 03:04:05+02", as pgJDBC
    // sends them); DuckDB's casts refuse the suffix.
    if (type.id() == duckdb::LogicalTypeId::DATE || type.id() == duckdb::LogicalTypeId::TIMESTAMP) {
      size_t zone = trimmed.find_last_of("+-");
      if (zone != std::string::npos && zone >= 10) {
        std::string bare = trimmed.substr(0, zone);
        while (!bare.empty() && bare.back() == ' ') bare.pop_back();
        if (duckdb::Value(bare).DefaultTryCastAs(type, result, &error, false)) return result;
      }
    }
  } catch (const std::exception&) {
    // Converted below: DuckDB reports some failures by throwing.
  }
  return BadText(pg_name, text);
}

uint64_t ReadU64(std::string_view b) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(b[i]);
  return v;
}

uint32_t ReadU32(std::string_view b) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b[i]);
  return v;
}

uint16_t ReadU16(std::string_view b) {
  return static_cast<uint16_t>((static_cast<unsigned char>(b[0]) << 8) | static_cast<unsigned char>(b[1]));
}

// numeric_recv → the numeric text, then ParseNumeric.
Result<duckdb::Value> NumericFromBinary(std::string_view b) {
  if (b.size() < 8) return BadBinary("numeric", b.size(), 8);
  auto ndigits = static_cast<int16_t>(ReadU16(b));
  auto weight = static_cast<int16_t>(ReadU16(b.substr(2)));
  uint16_t sign = ReadU16(b.substr(4));
  auto dscale = static_cast<int16_t>(ReadU16(b.substr(6)));
  if (ndigits < 0 || b.size() != 8 + 2 * static_cast<size_t>(ndigits)) {
    return BadBinary("numeric", b.size(), 8 + 2 * static_cast<size_t>(std::max<int16_t>(ndigits, 0)));
  }
  if (dscale < 0 || dscale > 0x3FFF) return Status::DataError("invalid scale in external \"numeric\" value");
  switch (sign) {
    case 0x0000:
    case 0x4000:
      break;
    case 0xC000:
      return duckdb::Value::DOUBLE(std::numeric_limits<double>::quiet_NaN());
    case 0xD000:
      return duckdb::Value::DOUBLE(std::numeric_limits<double>::infinity());
    case 0xF000:
      return duckdb::Value::DOUBLE(-std::numeric_limits<double>::infinity());
    default:
      return Status::DataError("invalid sign in external \"numeric\" value");
  }
  std::vector<int> digits(static_cast<size_t>(ndigits));
  for (int i = 0; i < ndigits; ++i) {
    digits[static_cast<size_t>(i)] = ReadU16(b.substr(8 + 2 * static_cast<size_t>(i)));
    if (digits[static_cast<size_t>(i)] > 9999) return Status::DataError("invalid digit in external \"numeric\" value");
  }
  auto group = [&](int w) {  // the base-10000 digit of weight w
    int i = weight - w;
    return i >= 0 && i < ndigits ? digits[static_cast<size_t>(i)] : 0;
  };
  std::string text = sign == 0x4000 ? "-" : "";
  if (weight >= 0) {
    for (int w = weight; w >= 0; --w) {
      int g = group(w);
      char buf[4] = {static_cast<char>('0' + g / 1000), static_cast<char>('0' + g / 100 % 10),
                     static_cast<char>('0' + g / 10 % 10), static_cast<char>('0' + g % 10)};
      text.append(buf, 4);
    }
  } else {
    text.push_back('0');
  }
  if (dscale > 0) {
    text.push_back('.');
    int frac_groups = (dscale + 3) / 4;
    std::string frac;
    for (int k = 0; k < frac_groups; ++k) {
      int g = group(-1 - k);
      char buf[4] = {static_cast<char>('0' + g / 1000), static_cast<char>('0' + g / 100 % 10),
                     static_cast<char>('0' + g / 10 % 10), static_cast<char>('0' + g % 10)};
      frac.append(buf, 4);
    }
    text.append(frac, 0, static_cast<size_t>(dscale));
  }
  return ParseNumeric(text);
}

Result<duckdb::Value> DecodeBinary(uint32_t type_oid, std::string_view b) {
  auto need = [&](const char* name, size_t n) -> Status {
    return b.size() == n ? Status::Ok() : BadBinary(name, b.size(), n);
  };
  switch (type_oid) {
    case oid::kBool:
      WEIR_RETURN_IF_ERROR(need("bool", 1));
      return duckdb::Value::BOOLEAN(b[0] != 0);
    case oid::kInt2:
      WEIR_RETURN_IF_ERROR(need("int2", 2));
      return duckdb::Value::SMALLINT(static_cast<int16_t>(ReadU16(b)));
    case oid::kInt4:
      WEIR_RETURN_IF_ERROR(need("int4", 4));
      return duckdb::Value::INTEGER(static_cast<int32_t>(ReadU32(b)));
    case oid::kOid:
      WEIR_RETURN_IF_ERROR(need("oid", 4));
      return duckdb::Value::BIGINT(ReadU32(b));
    case oid::kInt8:
      WEIR_RETURN_IF_ERROR(need("int8", 8));
      return duckdb::Value::BIGINT(static_cast<int64_t>(ReadU64(b)));
    case oid::kFloat4: {
      WEIR_RETURN_IF_ERROR(need("float4", 4));
      uint32_t bits = ReadU32(b);
      float f = 0;
      std::memcpy(&f, &bits, 4);
      return duckdb::Value::FLOAT(f);
    }
    case oid::kFloat8: {
      WEIR_RETURN_IF_ERROR(need("float8", 8));
      uint64_t bits = ReadU64(b);
      double d = 0;
      std::memcpy(&d, &bits, 8);
      return duckdb::Value::DOUBLE(d);
    }
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
    case oid::kChar:
    case oid::kJson:
      return TextValue(b);
    case oid::kJsonb:
      if (b.empty() || b[0] != 1) return Status::DataError("unsupported jsonb version number in a parameter");
      return TextValue(b.substr(1));
    case oid::kBytea:
      return duckdb::Value::BLOB(reinterpret_cast<const duckdb::data_t*>(b.data()), b.size());
    case oid::kDate: {
      WEIR_RETURN_IF_ERROR(need("date", 4));
      auto days = static_cast<int32_t>(ReadU32(b));
      if (days == kInt32Max) return duckdb::Value::DATE(duckdb::date_t::infinity());
      if (days == kInt32Min) return duckdb::Value::DATE(duckdb::date_t::ninfinity());
      int64_t duck = int64_t{days} + kPgEpochDays;
      if (duck >= kInt32Max || duck <= -kInt32Max) return Status::DataError("date out of range");
      return duckdb::Value::DATE(duckdb::date_t(static_cast<int32_t>(duck)));
    }
    case oid::kTime: {
      WEIR_RETURN_IF_ERROR(need("time", 8));
      auto us = static_cast<int64_t>(ReadU64(b));
      if (us < 0 || us > kMicrosPerDay) return Status::DataError("time out of range");
      return duckdb::Value::TIME(duckdb::dtime_t(us));
    }
    case oid::kTimestamp:
    case oid::kTimestamptz: {
      bool tz = type_oid == oid::kTimestamptz;
      WEIR_RETURN_IF_ERROR(need(tz ? "timestamptz" : "timestamp", 8));
      auto pg = static_cast<int64_t>(ReadU64(b));
      int64_t us = 0;
      if (pg == kInt64Max) {
        us = duckdb::timestamp_t::infinity().value;
      } else if (pg == kInt64Min) {
        us = duckdb::timestamp_t::ninfinity().value;
      } else if (__builtin_add_overflow(pg, kPgEpochMicros, &us) || us == kInt64Max || us <= -kInt64Max) {
        return Status::DataError("timestamp out of range");
      }
      if (tz) return duckdb::Value::TIMESTAMPTZ(duckdb::timestamp_tz_t(us));
      return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(us));
    }
    case oid::kInterval: {
      WEIR_RETURN_IF_ERROR(need("interval", 16));
      auto micros = static_cast<int64_t>(ReadU64(b));
      auto days = static_cast<int32_t>(ReadU32(b.substr(8)));
      auto months = static_cast<int32_t>(ReadU32(b.substr(12)));
      return duckdb::Value::INTERVAL(months, days, micros);
    }
    case oid::kUuid: {
      WEIR_RETURN_IF_ERROR(need("uuid", 16));
      duckdb::hugeint_t h;
      h.upper = static_cast<int64_t>(ReadU64(b) ^ (uint64_t{1} << 63));
      h.lower = ReadU64(b.substr(8));
      return duckdb::Value::UUID(h);
    }
    case oid::kNumeric:
      return NumericFromBinary(b);
    default:
      return Status::DataError("binary format is not supported for parameters of type OID " + std::to_string(type_oid));
  }
}

Result<duckdb::Value> DecodeText(uint32_t type_oid, std::string_view text) {
  switch (type_oid) {
    case oid::kBool:
      return ParseBool(text);
    case oid::kInt2: {
      WEIR_ASSIGN_OR_RETURN(int64_t v, ParseInteger(text, INT16_MIN, INT16_MAX, "smallint"));
      return duckdb::Value::SMALLINT(static_cast<int16_t>(v));
    }
    case oid::kInt4: {
      WEIR_ASSIGN_OR_RETURN(int64_t v, ParseInteger(text, INT32_MIN, INT32_MAX, "integer"));
      return duckdb::Value::INTEGER(static_cast<int32_t>(v));
    }
    case oid::kOid: {
      WEIR_ASSIGN_OR_RETURN(int64_t v, ParseInteger(text, 0, UINT32_MAX, "oid"));
      return duckdb::Value::BIGINT(v);
    }
    case oid::kInt8: {
      WEIR_ASSIGN_OR_RETURN(int64_t v, ParseInteger(text, INT64_MIN, INT64_MAX, "bigint"));
      return duckdb::Value::BIGINT(v);
    }
    case oid::kFloat4: {
      WEIR_ASSIGN_OR_RETURN(float v, ParseFloat<float>(text, "real"));
      return duckdb::Value::FLOAT(v);
    }
    case oid::kFloat8: {
      WEIR_ASSIGN_OR_RETURN(double v, ParseFloat<double>(text, "double precision"));
      return duckdb::Value::DOUBLE(v);
    }
    case oid::kNumeric:
      return ParseNumeric(text);
    case oid::kBytea:
      return ParseBytea(text);
    case oid::kDate:
      return CastText(text, LogicalType::DATE, "date");
    case oid::kTime:
      return CastText(text, LogicalType::TIME, "time");
    case oid::kTimestamp:
      return CastText(text, LogicalType::TIMESTAMP, "timestamp");
    case oid::kTimestamptz:
      return CastText(text, LogicalType::TIMESTAMP_TZ, "timestamp with time zone");
    case oid::kInterval:
      return CastText(text, LogicalType::INTERVAL, "interval");
    case oid::kUuid:
      return CastText(text, LogicalType::UUID, "uuid");
    default:
      // Unspecified, text-like and unknown types: DuckDB casts the string where it is used.
      return TextValue(text);
  }
}

}  // namespace

// --- Public API --------------------------------------------------------------------

const std::vector<PgTypeRow>& PgTypeRows() {
  static const std::vector<PgTypeRow> kRows = [] {
    std::vector<std::pair<PgScalar, char>> scalars = {
        {kPgBool, 'B'},   {kPgInt2, 'N'},      {kPgInt4, 'N'},        {kPgInt8, 'N'},     {kPgNumeric, 'N'},
        {kPgFloat4, 'N'}, {kPgFloat8, 'N'},    {kPgText, 'S'},        {kPgBytea, 'U'},    {kPgDate, 'D'},
        {kPgTime, 'D'},   {kPgTimestamp, 'D'}, {kPgTimestamptz, 'D'}, {kPgInterval, 'T'}, {kPgUuid, 'U'},
    };
    std::vector<PgTypeRow> rows;
    for (const auto& [scalar, category] : scalars) {
      rows.push_back({scalar.type.oid, scalar.type.name, scalar.type.size, 0, scalar.array.oid, category});
      rows.push_back({scalar.array.oid, scalar.array.name, -1, scalar.type.oid, 0, 'A'});
    }
    return rows;
  }();
  return kRows;
}

PgType PgTypeFor(const LogicalType& type) {
  Kind kind = KindOf(type);
  if (kind == Kind::kOther) return kPgText.type;
  if (kind == Kind::kList || kind == Kind::kArray) {
    int depth = 0;
    return ScalarFor(ScalarKind(LeafType(type, &depth)))->array;
  }
  PgType pg = ScalarFor(kind)->type;
  if (type.id() == LogicalTypeId::DECIMAL) {
    pg.modifier = ((static_cast<int32_t>(duckdb::DecimalType::GetWidth(type)) << 16) |
                   static_cast<int32_t>(duckdb::DecimalType::GetScale(type))) +
                  4;
  }
  return pg;
}

RowEncoder::RowEncoder(std::vector<LogicalType> types, std::vector<int16_t> formats)
    : types_(std::move(types)), formats_(std::move(formats)) {}

RowEncoder::~RowEncoder() = default;

void RowEncoder::AppendDataRows(duckdb::DataChunk& chunk, size_t begin, size_t end, std::string* out) const {
  end = std::min<size_t>(end, chunk.size());
  if (begin >= end) return;
  std::vector<Column> columns = BindChunk(chunk);
  auto count = static_cast<int16_t>(columns.size());
  for (size_t row = begin; row < end; ++row) {
    size_t message = BeginMessage(out, 'D');
    PutI16(out, count);
    for (size_t i = 0; i < columns.size(); ++i) {
      Column& c = columns[i];
      idx_t phys = 0;
      if (!Fetch(c, row, &phys)) {
        PutI32(out, -1);
        continue;
      }
      size_t item = BeginItem(out);
      if (i < formats_.size() && formats_[i] == 1) {
        AppendBinary(c, phys, row, out);
      } else {
        AppendText(c, phys, row, out);
      }
      FinishItem(out, item);
    }
    FinishMessage(out, message);
  }
}

CopyOptions DefaultCopyOptions(CopyFormat format) {
  CopyOptions o;
  o.format = format;
  switch (format) {
    case CopyFormat::kText:
      o.delimiter = '\t';
      o.null_string = "\\N";
      break;
    case CopyFormat::kCsv:
      o.delimiter = ',';
      o.null_string = "";
      break;
    case CopyFormat::kBinary:
      break;
  }
  return o;
}

CopyEncoder::CopyEncoder(std::vector<LogicalType> types, std::vector<std::string> names, CopyOptions options)
    : types_(std::move(types)), names_(std::move(names)), options_(std::move(options)) {}

CopyEncoder::~CopyEncoder() = default;

void CopyEncoder::AppendStart(std::string* out) {
  if (options_.format == CopyFormat::kBinary) {
    header_pending_ = true;
    return;
  }
  if (options_.format == CopyFormat::kCsv && options_.header) {
    size_t message = BeginMessage(out, 'd');
    for (size_t i = 0; i < names_.size(); ++i) {
      if (i > 0) out->push_back(options_.delimiter);
      AppendCopyCsv(names_[i], options_, false, names_.size() == 1, out);
    }
    out->push_back('\n');
    FinishMessage(out, message);
  }
}

namespace {

void AppendBinaryCopyHeader(std::string* out) {
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";
  out->append(kSignature, sizeof(kSignature));  // includes the trailing NUL
  PutI32(out, 0);                               // flags
  PutI32(out, 0);                               // header extension length
}

}  // namespace

void CopyEncoder::AppendRows(duckdb::DataChunk& chunk, size_t begin, size_t end, std::string* out) {
  end = std::min<size_t>(end, chunk.size());
  if (begin >= end) return;
  std::vector<Column> columns = BindChunk(chunk);
  std::string text;
  for (size_t row = begin; row < end; ++row) {
    size_t message = BeginMessage(out, 'd');
    if (options_.format == CopyFormat::kBinary) {
      if (header_pending_) {
        AppendBinaryCopyHeader(out);
        header_pending_ = false;
      }
      PutI16(out, static_cast<int16_t>(columns.size()));
      for (Column& c : columns) {
        idx_t phys = 0;
        if (!Fetch(c, row, &phys)) {
          PutI32(out, -1);
          continue;
        }
        size_t item = BeginItem(out);
        AppendBinary(c, phys, row, out);
        FinishItem(out, item);
      }
    } else {
      bool csv = options_.format == CopyFormat::kCsv;
      for (size_t i = 0; i < columns.size(); ++i) {
        if (i > 0) out->push_back(options_.delimiter);
        Column& c = columns[i];
        idx_t phys = 0;
        if (!Fetch(c, row, &phys)) {
          out->append(options_.null_string);
          continue;
        }
        text.clear();
        AppendText(c, phys, row, &text);
        if (csv) {
          bool force = i < options_.force_quote.size() && options_.force_quote[i];
          AppendCopyCsv(text, options_, force, columns.size() == 1, out);
        } else {
          AppendCopyText(text, options_.delimiter, out);
        }
      }
      out->push_back('\n');
    }
    FinishMessage(out, message);
  }
}

void CopyEncoder::AppendEnd(std::string* out) {
  if (options_.format != CopyFormat::kBinary) return;
  size_t message = BeginMessage(out, 'd');
  if (header_pending_) {
    AppendBinaryCopyHeader(out);
    header_pending_ = false;
  }
  PutI16(out, -1);
  FinishMessage(out, message);
}

Result<duckdb::Value> DecodeParameter(uint32_t type_oid, int16_t format, const std::optional<std::string>& bytes) {
  if (!bytes.has_value()) {
    auto type = LogicalTypeForOid(type_oid);
    return type ? duckdb::Value(*type) : duckdb::Value();
  }
  try {
    if (format == 1) return DecodeBinary(type_oid, *bytes);
    if (format == 0) return DecodeText(type_oid, *bytes);
  } catch (const std::exception& e) {
    // DuckDB's value constructors throw on values they reject.
    return Status::DataError(std::string("invalid parameter value: ") + e.what());
  }
  return Status::InvalidArgument("parameter format code " + std::to_string(format) + " is not 0 or 1");
}

std::optional<LogicalType> LogicalTypeForOid(uint32_t type_oid) {
  switch (type_oid) {
    case oid::kBool:
      return LogicalType::BOOLEAN;
    case oid::kBytea:
      return LogicalType::BLOB;
    case oid::kChar:
    case oid::kName:
    case oid::kText:
    case oid::kJson:
    case oid::kBpchar:
    case oid::kVarchar:
    case oid::kJsonb:
      return LogicalType::VARCHAR;
    case oid::kInt8:
    case oid::kOid:
      return LogicalType::BIGINT;
    case oid::kInt2:
      return LogicalType::SMALLINT;
    case oid::kInt4:
      return LogicalType::INTEGER;
    case oid::kFloat4:
      return LogicalType::FLOAT;
    case oid::kFloat8:
      return LogicalType::DOUBLE;
    case oid::kDate:
      return LogicalType::DATE;
    case oid::kTime:
      return LogicalType::TIME;
    case oid::kTimestamp:
      return LogicalType::TIMESTAMP;
    case oid::kTimestamptz:
      return LogicalType::TIMESTAMP_TZ;
    case oid::kInterval:
      return LogicalType::INTERVAL;
    case oid::kNumeric:
      return LogicalType::DECIMAL(kMaxDecimalWidth, 10);
    case oid::kUuid:
      return LogicalType::UUID;
    default:
      return std::nullopt;  // 0, unknown (705) and anything else
  }
}

}  // namespace weir::pgwire
