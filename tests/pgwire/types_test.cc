#include "pgwire/types.h"

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "duckdb.hpp"

namespace weir::pgwire {
namespace {

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

duckdb::Connection& Con() {
  static auto* db = new duckdb::DuckDB(nullptr);
  static auto* con = new duckdb::Connection(*db);
  return *con;
}

struct Fetched {
  std::vector<duckdb::LogicalType> types;
  std::vector<std::string> names;
  std::unique_ptr<duckdb::DataChunk> chunk;
};

Fetched RunSql(const std::string& sql) {
  auto result = Con().Query(sql);
  Fetched f;
  if (result->HasError()) {
    ADD_FAILURE() << sql << ": " << result->GetError();
    return f;
  }
  f.types = result->types;
  f.names = result->names;
  f.chunk = result->Fetch();
  return f;
}

// A string literal's bytes, embedded NULs included.
template <size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  std::string digits;
  for (char c : hex) {
    if (c != ' ') digits.push_back(c);
  }
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

int32_t I32(std::string_view s, size_t pos) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[pos + i]);
  return static_cast<int32_t>(v);
}

int16_t I16(std::string_view s, size_t pos) {
  return static_cast<int16_t>((static_cast<unsigned char>(s[pos]) << 8) | static_cast<unsigned char>(s[pos + 1]));
}

struct Message {
  char type;
  std::string body;
};

// Splits a buffer of backend messages, checking every length.
std::vector<Message> Split(const std::string& out) {
  std::vector<Message> messages;
  size_t pos = 0;
  while (pos < out.size()) {
    EXPECT_LE(pos + 5, out.size());
    if (pos + 5 > out.size()) break;
    int32_t length = I32(out, pos + 1);
    EXPECT_GE(length, 4);
    EXPECT_LE(pos + 1 + static_cast<size_t>(length), out.size());
    if (length < 4 || pos + 1 + static_cast<size_t>(length) > out.size()) break;
    messages.push_back({out[pos], out.substr(pos + 5, static_cast<size_t>(length) - 4)});
    pos += 1 + static_cast<size_t>(length);
  }
  return messages;
}

// DataRow messages → cells.
std::vector<Row> DataRows(const std::string& out) {
  std::vector<Row> rows;
  for (const auto& m : Split(out)) {
    EXPECT_EQ(m.type, 'D');
    Row row;
    int16_t n = I16(m.body, 0);
    size_t pos = 2;
    for (int16_t i = 0; i < n; ++i) {
      int32_t len = I32(m.body, pos);
      pos += 4;
      if (len < 0) {
        row.emplace_back(std::nullopt);
        continue;
      }
      row.emplace_back(m.body.substr(pos, static_cast<size_t>(len)));
      pos += static_cast<size_t>(len);
    }
    EXPECT_EQ(pos, m.body.size());
    rows.push_back(std::move(row));
  }
  return rows;
}

// The one cell `SELECT expr` gives in `format`.
Cell Encode(const std::string& expr, int16_t format) {
  Fetched f = RunSql("SELECT " + expr);
  if (!f.chunk) return "<no chunk>";
  RowEncoder encoder(f.types, std::vector<int16_t>(f.types.size(), format));
  std::string out;
  encoder.AppendDataRows(*f.chunk, 0, 1, &out);
  auto rows = DataRows(out);
  if (rows.size() != 1 || rows[0].size() != 1) return "<bad rows>";
  return rows[0][0];
}

// --- PgTypeFor -----------------------------------------------------------------------

TEST(PgTypes, MapsDuckDbTypesToPostgresOids) {
  struct Case {
    const char* expr;
    uint32_t oid;
    int16_t size;
    const char* name;
  };
  const Case cases[] = {
      {"true", 16, 1, "bool"},
      {"1::TINYINT", 21, 2, "int2"},
      {"1::SMALLINT", 21, 2, "int2"},
      {"1::UTINYINT", 21, 2, "int2"},
      {"1::INTEGER", 23, 4, "int4"},
      {"1::USMALLINT", 23, 4, "int4"},
      {"1::BIGINT", 20, 8, "int8"},
      {"1::UINTEGER", 20, 8, "int8"},
      {"1::UBIGINT", 1700, -1, "numeric"},
      {"1::HUGEINT", 1700, -1, "numeric"},
      {"1::UHUGEINT", 1700, -1, "numeric"},
      {"1.5::DECIMAL(4,1)", 1700, -1, "numeric"},
      {"1::FLOAT", 700, 4, "float4"},
      {"1::DOUBLE", 701, 8, "float8"},
      {"'a'", 25, -1, "text"},
      {"'a'::BLOB", 17, -1, "bytea"},
      {"DATE '2024-01-01'", 1082, 4, "date"},
      {"TIME '01:02:03'", 1083, 8, "time"},
      {"TIMESTAMP '2024-01-01'", 1114, 8, "timestamp"},
      {"TIMESTAMP_S '2024-01-01'", 1114, 8, "timestamp"},
      {"TIMESTAMP_MS '2024-01-01'", 1114, 8, "timestamp"},
      {"TIMESTAMP_NS '2024-01-01'", 1114, 8, "timestamp"},
      {"TIMESTAMPTZ '2024-01-01 00:00:00+00'", 1184, 8, "timestamptz"},
      {"INTERVAL '1 day'", 1186, 16, "interval"},
      {"gen_random_uuid()", 2950, 16, "uuid"},
      {"[1]", 1007, -1, "_int4"},
      {"[[1]]", 1007, -1, "_int4"},
      {"[1]::INTEGER[1]", 1007, -1, "_int4"},
      {"['a']", 1009, -1, "_text"},
      {"[true]", 1000, -1, "_bool"},
      {"[1::BIGINT]", 1016, -1, "_int8"},
      {"[1.5::DOUBLE]", 1022, -1, "_float8"},
      {"[1.5::DECIMAL(4,1)]", 1231, -1, "_numeric"},
      {"[DATE '2024-01-01']", 1182, -1, "_date"},
      {"[TIMESTAMP '2024-01-01']", 1115, -1, "_timestamp"},
      {"[gen_random_uuid()]", 2951, -1, "_uuid"},
      {"{'a': 1}", 25, -1, "text"},
      {"[{'a': 1}]", 25, -1, "text"},
      {"MAP {'k': 1}", 25, -1, "text"},
      {"'1010'::BIT", 25, -1, "text"},
  };
  for (const auto& c : cases) {
    Fetched f = RunSql(std::string("SELECT ") + c.expr);
    ASSERT_EQ(f.types.size(), 1u) << c.expr;
    PgType t = PgTypeFor(f.types[0]);
    EXPECT_EQ(t.oid, c.oid) << c.expr;
    EXPECT_EQ(t.size, c.size) << c.expr;
    EXPECT_STREQ(t.name, c.name) << c.expr;
  }
}

TEST(PgTypes, NumericCarriesPrecisionAndScaleInTheModifier) {
  EXPECT_EQ(PgTypeFor(duckdb::LogicalType::DECIMAL(10, 2)).modifier, ((10 << 16) | 2) + 4);
  EXPECT_EQ(PgTypeFor(duckdb::LogicalType::INTEGER).modifier, -1);
}

// --- Text encodings --------------------------------------------------------------------

struct TextCase {
  const char* expr;
  const char* want;
};

void ExpectText(const std::vector<TextCase>& cases) {
  for (const auto& c : cases) {
    Cell got = Encode(c.expr, 0);
    ASSERT_TRUE(got.has_value()) << c.expr;
    EXPECT_EQ(*got, c.want) << c.expr;
  }
}

TEST(PgTypesText, BooleansAndIntegers) {
  ExpectText({
      {"true", "t"},
      {"false", "f"},
      {"42::TINYINT", "42"},
      {"(-128)::TINYINT", "-128"},
      {"(-32768)::SMALLINT", "-32768"},
      {"2147483647::INTEGER", "2147483647"},
      {"'-9223372036854775808'::BIGINT", "-9223372036854775808"},
      {"255::UTINYINT", "255"},
      {"65535::USMALLINT", "65535"},
      {"4294967295::UINTEGER", "4294967295"},
      {"'18446744073709551615'::UBIGINT", "18446744073709551615"},
      {"'170141183460469231731687303715884105727'::HUGEINT", "170141183460469231731687303715884105727"},
      {"'-170141183460469231731687303715884105728'::HUGEINT", "-170141183460469231731687303715884105728"},
      {"'340282366920938463463374607431768211455'::UHUGEINT", "340282366920938463463374607431768211455"},
      {"'10000000000000000000'::HUGEINT", "10000000000000000000"},
      {"'100000000000000000000000000000000000000'::HUGEINT", "100000000000000000000000000000000000000"},
      {"0::HUGEINT", "0"},
  });
}

TEST(PgTypesText, FloatsAreShortestRoundTrip) {
  ExpectText({
      {"0.1::DOUBLE", "0.1"},
      {"1e20::DOUBLE", "1e+20"},
      {"1.5e-7::DOUBLE", "1.5e-07"},
      {"100::DOUBLE", "100"},
      {"1e15::DOUBLE", "1e+15"},
      {"1e14::DOUBLE", "100000000000000"},
      {"123456789012345.6::DOUBLE", "123456789012345.6"},
      {"0.0001::DOUBLE", "0.0001"},
      {"0.00001::DOUBLE", "1e-05"},
      {"'-0.0'::DOUBLE", "-0"},
      {"0::DOUBLE", "0"},
      {"-2.5::DOUBLE", "-2.5"},
      {"'nan'::DOUBLE", "NaN"},
      {"'inf'::DOUBLE", "Infinity"},
      {"'-inf'::DOUBLE", "-Infinity"},
      {"1.7976931348623157e308::DOUBLE", "1.7976931348623157e+308"},
      {"5e-324::DOUBLE", "5e-324"},
      {"1e100::DOUBLE", "1e+100"},
      {"(1/3)::DOUBLE", "0.3333333333333333"},
      {"0.1::REAL", "0.1"},
      {"1e6::REAL", "1e+06"},
      {"100000::REAL", "100000"},
      {"3.14159::REAL", "3.14159"},
      {"1.5e-7::REAL", "1.5e-07"},
      {"'nan'::REAL", "NaN"},
      {"'-inf'::REAL", "-Infinity"},
  });
}

TEST(PgTypesText, NumericsKeepTheirScale) {
  ExpectText({
      {"12.50::DECIMAL(4,2)", "12.50"},
      {"1.5::DECIMAL(4,1)", "1.5"},
      {"123.4::DECIMAL(9,1)", "123.4"},
      {"(-0.05)::DECIMAL(3,2)", "-0.05"},
      {"0::DECIMAL(5,3)", "0.000"},
      {"0.5::DECIMAL(1,1)", "0.5"},
      {"(-1234567.891)::DECIMAL(10,3)", "-1234567.891"},
      {"(-1)::DECIMAL(18,0)", "-1"},
      {"'1234567890123456789012345678.0123456789'::DECIMAL(38,10)", "1234567890123456789012345678.0123456789"},
      {"'-0.00000000000000000000000000000000000001'::DECIMAL(38,38)", "-0.00000000000000000000000000000000000001"},
  });
}

TEST(PgTypesText, StringsAndBytea) {
  ExpectText({
      {"'héllo'", "héllo"},
      {"''", ""},
      {"'\\x01\\xAB'::BLOB", "\\x01ab"},
      {"'ab'::BLOB", "\\x6162"},
      {"''::BLOB", "\\x"},
  });
}

TEST(PgTypesText, DatesTimesAndTimestamps) {
  ExpectText({
      {"DATE '2024-01-02'", "2024-01-02"},
      {"DATE '1969-12-31'", "1969-12-31"},
      {"DATE '2000-02-29'", "2000-02-29"},
      {"DATE '0001-01-01'", "0001-01-01"},
      {"DATE '0001-12-31 (BC)'", "0001-12-31 BC"},
      {"DATE '0044-03-15 (BC)'", "0044-03-15 BC"},
      {"'infinity'::DATE", "infinity"},
      {"'-infinity'::DATE", "-infinity"},
      {"TIME '04:05:06.5'", "04:05:06.5"},
      {"TIME '00:00:00'", "00:00:00"},
      {"TIME '23:59:59.999999'", "23:59:59.999999"},
      {"TIMESTAMP '2024-01-02 03:04:05.5'", "2024-01-02 03:04:05.5"},
      {"TIMESTAMP '2024-01-02 03:04:05'", "2024-01-02 03:04:05"},
      {"TIMESTAMP '2024-01-02 03:04:05.000120'", "2024-01-02 03:04:05.00012"},
      {"TIMESTAMP '1969-12-31 23:59:59.999999'", "1969-12-31 23:59:59.999999"},
      {"TIMESTAMP_NS '2024-01-02 03:04:05.123456789'", "2024-01-02 03:04:05.123456"},
      {"TIMESTAMP_MS '2024-01-02 03:04:05.123'", "2024-01-02 03:04:05.123"},
      {"TIMESTAMP_S '2024-01-02 03:04:05'", "2024-01-02 03:04:05"},
      {"'infinity'::TIMESTAMP", "infinity"},
      {"'-infinity'::TIMESTAMP", "-infinity"},
      {"(DATE '0001-12-31 (BC)')::TIMESTAMP", "0001-12-31 00:00:00 BC"},
      {"TIMESTAMPTZ '2024-01-02 03:04:05.5+00'", "2024-01-02 03:04:05.5+00"},
      {"TIMESTAMPTZ '2024-01-02 05:04:05+02'", "2024-01-02 03:04:05+00"},
      {"'infinity'::TIMESTAMPTZ", "infinity"},
  });
}

TEST(PgTypesText, IntervalsUsePostgresStyle) {
  ExpectText({
      {"INTERVAL '1 year 2 months 3 days 04:05:06.5'", "1 year 2 mons 3 days 04:05:06.5"},
      {"INTERVAL '-1 second'", "-00:00:01"},
      {"INTERVAL '0 seconds'", "00:00:00"},
      {"INTERVAL '2 years'", "2 years"},
      {"INTERVAL '-1 year'", "-1 years"},
      {"INTERVAL '1 month'", "1 mon"},
      {"INTERVAL '1 day'", "1 day"},
      {"INTERVAL '27 hours'", "27:00:00"},
      {"INTERVAL '1.5 seconds'", "00:00:01.5"},
      {"INTERVAL '-1 day' + INTERVAL '2 hours'", "-1 days +02:00:00"},
      {"INTERVAL '1 month' - INTERVAL '1 day'", "1 mon -1 days"},
      {"INTERVAL '-1 month' + INTERVAL '1 day'", "-1 mons +1 day"},
      {"INTERVAL '1 day' - INTERVAL '1 hour'", "1 day -01:00:00"},
  });
}

TEST(PgTypesText, Uuids) {
  ExpectText({
      {"'123e4567-e89b-12d3-a456-426614174000'::UUID", "123e4567-e89b-12d3-a456-426614174000"},
      {"'00000000-0000-0000-0000-000000000000'::UUID", "00000000-0000-0000-0000-000000000000"},
      {"'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID", "ffffffff-ffff-ffff-ffff-ffffffffffff"},
  });
}

TEST(PgTypesText, ArraysQuoteLikePostgres) {
  ExpectText({
      {"[1, 2, NULL]", "{1,2,NULL}"},
      {"['a', 'b c', '', 'NULL', 'null', 'x\"y', 'back\\slash', '{', 'é', 'tab' || chr(9)]",
       "{a,\"b c\",\"\",\"NULL\",\"null\",\"x\\\"y\",\"back\\\\slash\",\"{\",é,\"tab\t\"}"},
      {"[[1, 2], [3, 4]]", "{{1,2},{3,4}}"},
      {"[[1], NULL]", "{{1},NULL}"},
      {"[]::INTEGER[]", "{}"},
      {"[NULL::INTEGER]", "{NULL}"},
      {"[1.5::DOUBLE, 'nan'::DOUBLE]", "{1.5,NaN}"},
      {"[TIMESTAMP '2024-01-02 03:04:05']", "{\"2024-01-02 03:04:05\"}"},
      {"[DATE '2024-01-02']", "{2024-01-02}"},
      {"[true, false]", "{t,f}"},
      {"[12.50::DECIMAL(4,2)]", "{12.50}"},
      {"['\\x01'::BLOB]", "{\"\\\\x01\"}"},
      {"[1, 2, 3]::INTEGER[3]", "{1,2,3}"},
      {"[[1, 2], [3, 4]]::INTEGER[2][2]", "{{1,2},{3,4}}"},
      {"[INTERVAL '1 day']", "{\"1 day\"}"},
  });
}

TEST(PgTypesText, OtherTypesUseDuckDbText) {
  ExpectText({
      {"{'a': 1}", "{'a': 1}"},
      {"[{'a': 1}]", "[{'a': 1}]"},
      {"MAP {'k': 1}", "{k=1}"},
      {"'b'::ENUM('a', 'b')", "b"},
  });
}

TEST(PgTypesText, NullIsMinusOneLength) {
  EXPECT_EQ(Encode("NULL::INTEGER", 0), std::nullopt);
  EXPECT_EQ(Encode("NULL::INTEGER[]", 1), std::nullopt);
  EXPECT_EQ(Encode("NULL::VARCHAR", 0), std::nullopt);
}

// --- Binary encodings ----------------------------------------------------------------------

struct BinaryCase {
  const char* expr;
  const char* hex;  // spaces ignored
};

TEST(PgTypesBinary, SendFormats) {
  const BinaryCase cases[] = {
      {"true", "01"},
      {"false", "00"},
      {"1::TINYINT", "0001"},
      {"255::UTINYINT", "00ff"},
      {"(-2)::SMALLINT", "fffe"},
      {"65535::USMALLINT", "0000ffff"},
      {"7::INTEGER", "00000007"},
      {"4294967295::UINTEGER", "00000000ffffffff"},
      {"(-1)::BIGINT", "ffffffffffffffff"},
      {"1.5::DOUBLE", "3ff8000000000000"},
      {"1.5::REAL", "3fc00000"},
      {"'abc'", "616263"},
      {"'\\x00\\xFF'::BLOB", "00ff"},
      {"DATE '2000-01-01'", "00000000"},
      {"DATE '1970-01-01'", "ffffd533"},
      {"'infinity'::DATE", "7fffffff"},
      {"'-infinity'::DATE", "80000000"},
      {"TIME '00:00:01.5'", "000000000016e360"},
      {"TIMESTAMP '2000-01-01 00:00:01'", "00000000000f4240"},
      {"TIMESTAMP_NS '2000-01-01 00:00:00.000001'", "0000000000000001"},
      {"TIMESTAMP_S '2000-01-01 00:00:01'", "00000000000f4240"},
      {"TIMESTAMP '1999-12-31 23:59:59.999999'", "ffffffffffffffff"},
      {"'infinity'::TIMESTAMP", "7fffffffffffffff"},
      {"'-infinity'::TIMESTAMP", "8000000000000000"},
      {"TIMESTAMPTZ '2000-01-01 00:00:01+00'", "00000000000f4240"},
      {"INTERVAL '1 month 2 days' + INTERVAL '3 microseconds'", "0000000000000003 00000002 00000001"},
      {"'123e4567-e89b-12d3-a456-426614174000'::UUID", "123e4567e89b12d3a456426614174000"},
      {"'00000000-0000-0000-0000-000000000001'::UUID", "00000000000000000000000000000001"},
      {"{'a': 1}", "7b2761273a20317d"},  // "{'a': 1}" as text bytes
  };
  for (const auto& c : cases) {
    Cell got = Encode(c.expr, 1);
    ASSERT_TRUE(got.has_value()) << c.expr;
    EXPECT_EQ(Hex(*got), Hex(Unhex(c.hex))) << c.expr;
  }
}

TEST(PgTypesBinary, NumericDigitsInBase10000) {
  const BinaryCase cases[] = {
      // ndigits weight sign dscale digits...
      {"12.50::DECIMAL(4,2)", "0002 0000 0000 0002 000c 1388"},
      {"0::DECIMAL(4,0)", "0000 0000 0000 0000"},
      {"0::DECIMAL(5,2)", "0000 0000 0000 0002"},
      {"(-1234567.891)::DECIMAL(10,3)", "0003 0001 4000 0003 007b 11d7 22ce"},
      {"10000::DECIMAL(5,0)", "0001 0001 0000 0000 0001"},
      {"10000::HUGEINT", "0001 0001 0000 0000 0001"},
      {"1.5::DECIMAL(2,1)", "0002 0000 0000 0001 0001 1388"},
      {"0.0001::DECIMAL(5,4)", "0001 ffff 0000 0004 0001"},
      {"0.00001::DECIMAL(6,5)", "0001 fffe 0000 0005 03e8"},
      {"(-0.5)::DECIMAL(9,1)", "0001 ffff 4000 0001 1388"},
      {"'18446744073709551615'::UBIGINT", "0005 0004 0000 0000 0734 1a58 02e1 03bb 064f"},
      {"'-170141183460469231731687303715884105728'::HUGEINT",
       "000a 0009 4000 0000 00aa 0583 209a 01d5 090d 0c60 1c87 1bf6 20da 1660"},  // 170 1411 8346 0469 ...
      {"'0.00000000000000000000000000000000000001'::DECIMAL(38,38)", "0001 fff6 0000 0026 0064"},
  };
  for (const auto& c : cases) {
    Cell got = Encode(c.expr, 1);
    ASSERT_TRUE(got.has_value()) << c.expr;
    EXPECT_EQ(Hex(*got), Hex(Unhex(c.hex))) << c.expr;
  }
}

TEST(PgTypesBinary, ArraysHaveHeaderDimensionsAndElements) {
  const BinaryCase cases[] = {
      {"[1, 2, NULL]", "00000001 00000001 00000017 00000003 00000001 00000004 00000001 00000004 00000002 ffffffff"},
      {"[]::INTEGER[]", "00000000 00000000 00000017"},
      {"[[1, 2], [3, 4]]",
       "00000002 00000000 00000017 00000002 00000001 00000002 00000001"
       " 00000004 00000001 00000004 00000002 00000004 00000003 00000004 00000004"},
      {"['ab']", "00000001 00000000 00000019 00000001 00000001 00000002 6162"},
      {"[1, 2]::INTEGER[2]", "00000001 00000000 00000017 00000002 00000001 00000004 00000001 00000004 00000002"},
      // Jagged lists are padded with NULLs (PostgreSQL arrays are rectangular).
      {"[[1], [2, 3]]",
       "00000002 00000001 00000017 00000002 00000001 00000002 00000001"
       " 00000004 00000001 ffffffff 00000004 00000002 00000004 00000003"},
      {"[[], []]::INTEGER[][]", "00000000 00000000 00000017"},
  };
  for (const auto& c : cases) {
    Cell got = Encode(c.expr, 1);
    ASSERT_TRUE(got.has_value()) << c.expr;
    EXPECT_EQ(Hex(*got), Hex(Unhex(c.hex))) << c.expr;
  }
}

// --- DataRow framing -------------------------------------------------------------------------

TEST(PgRowEncoder, WritesOneDataRowPerRowInRange) {
  Fetched f = RunSql("SELECT i::INTEGER AS a, NULL::VARCHAR AS b, 'x' || i AS c FROM range(5) t(i)");
  ASSERT_TRUE(f.chunk);
  RowEncoder encoder(f.types, {0, 0, 1});
  std::string out;
  encoder.AppendDataRows(*f.chunk, 1, 3, &out);
  auto rows = DataRows(out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (Row{"1", std::nullopt, "x1"}));
  EXPECT_EQ(rows[1], (Row{"2", std::nullopt, "x2"}));

  std::string none;
  encoder.AppendDataRows(*f.chunk, 3, 3, &none);
  encoder.AppendDataRows(*f.chunk, 4, 100, &none);  // clamped to the chunk
  EXPECT_EQ(DataRows(none).size(), 1u);
}

TEST(PgRowEncoder, ReadsConstantAndDictionaryVectors) {
  duckdb::DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), {duckdb::LogicalType::INTEGER, duckdb::LogicalType::VARCHAR,
                                                           duckdb::LogicalType::LIST(duckdb::LogicalType::INTEGER)});
  chunk.SetCardinality(3);
  chunk.data[0].Reference(duckdb::Value::INTEGER(7));
  duckdb::Vector dictionary(duckdb::LogicalType::VARCHAR, 2);
  dictionary.SetValue(0, duckdb::Value("a"));
  dictionary.SetValue(1, duckdb::Value("b"));
  duckdb::SelectionVector sel(3);
  sel.set_index(0, 1);
  sel.set_index(1, 0);
  sel.set_index(2, 1);
  chunk.data[1].Slice(dictionary, sel, 3);
  chunk.data[2].Reference(
      duckdb::Value::LIST(duckdb::LogicalType::INTEGER, {duckdb::Value::INTEGER(1), duckdb::Value::INTEGER(2)}));

  std::vector<duckdb::LogicalType> types = {duckdb::LogicalType::INTEGER, duckdb::LogicalType::VARCHAR,
                                            duckdb::LogicalType::LIST(duckdb::LogicalType::INTEGER)};
  RowEncoder encoder(types, {0, 0, 0});
  std::string out;
  encoder.AppendDataRows(chunk, 0, 3, &out);
  auto rows = DataRows(out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (Row{"7", "b", "{1,2}"}));
  EXPECT_EQ(rows[1], (Row{"7", "a", "{1,2}"}));
  EXPECT_EQ(rows[2], (Row{"7", "b", "{1,2}"}));
}

TEST(PgRowEncoder, ListsAndArraysAcrossRows) {
  for (const char* sql :
       {"SELECT [i, i + 1] AS l FROM range(3) t(i)", "SELECT [i, i + 1]::BIGINT[2] AS l FROM range(3) t(i)",
        "SELECT [[i], [i + 1]] AS l FROM range(3) t(i)"}) {
    Fetched f = RunSql(sql);
    ASSERT_TRUE(f.chunk) << sql;
    RowEncoder encoder(f.types, {0});
    std::string out;
    encoder.AppendDataRows(*f.chunk, 0, 3, &out);
    auto rows = DataRows(out);
    ASSERT_EQ(rows.size(), 3u) << sql;
    bool nested = std::string(sql).find("[[") != std::string::npos;
    for (int i = 0; i < 3; ++i) {
      std::string a = std::to_string(i), b = std::to_string(i + 1);
      EXPECT_EQ(rows[static_cast<size_t>(i)][0], nested ? "{{" + a + "},{" + b + "}}" : "{" + a + "," + b + "}") << sql;
    }
  }
}

TEST(PgRowEncoder, LongListsSpanManyVectors) {
  Fetched f = RunSql("SELECT range(5000) AS l");
  ASSERT_TRUE(f.chunk);
  RowEncoder text(f.types, {0});
  std::string out;
  text.AppendDataRows(*f.chunk, 0, 1, &out);
  auto rows = DataRows(out);
  ASSERT_EQ(rows.size(), 1u);
  const std::string& cell = *rows[0][0];
  EXPECT_EQ(cell.substr(0, 7), "{0,1,2,");
  EXPECT_EQ(cell.substr(cell.size() - 6), ",4999}");

  RowEncoder binary(f.types, {1});
  out.clear();
  binary.AppendDataRows(*f.chunk, 0, 1, &out);
  rows = DataRows(out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0]->size(), 20u + 5000u * 12u);  // header, then 8-byte int8 elements with lengths
}

// --- COPY ---------------------------------------------------------------------------------------

std::vector<std::string> CopyData(const std::string& out) {
  std::vector<std::string> data;
  for (const auto& m : Split(out)) {
    EXPECT_EQ(m.type, 'd');
    data.push_back(m.body);
  }
  return data;
}

// Every chunk of `sql`'s result through a CopyEncoder.
std::vector<std::string> Copy(const std::string& sql, const CopyOptions& options) {
  auto result = Con().Query(sql);
  if (result->HasError()) {
    ADD_FAILURE() << sql << ": " << result->GetError();
    return {};
  }
  CopyEncoder encoder(result->types, result->names, options);
  std::string out;
  encoder.AppendStart(&out);
  while (auto chunk = result->Fetch()) {
    if (chunk->size() == 0) break;
    encoder.AppendRows(*chunk, 0, chunk->size(), &out);
  }
  encoder.AppendEnd(&out);
  return CopyData(out);
}

TEST(PgCopy, DefaultOptions) {
  CopyOptions text = DefaultCopyOptions(CopyFormat::kText);
  EXPECT_EQ(text.delimiter, '\t');
  EXPECT_EQ(text.null_string, "\\N");
  CopyOptions csv = DefaultCopyOptions(CopyFormat::kCsv);
  EXPECT_EQ(csv.delimiter, ',');
  EXPECT_EQ(csv.null_string, "");
  EXPECT_EQ(csv.quote, '"');
  EXPECT_EQ(csv.escape, '"');
  EXPECT_EQ(DefaultCopyOptions(CopyFormat::kBinary).format, CopyFormat::kBinary);
}

TEST(PgCopy, TextEscapesAndOneMessagePerRow) {
  auto data = Copy(
      "SELECT * FROM (VALUES ('a' || chr(9) || 'b', 'line' || chr(10) || 'x', 'back\\slash', NULL::VARCHAR, "
      "1.5::DOUBLE),"
      " ('cr' || chr(13) || chr(8) || chr(12) || chr(11), '', 'é', 'N', 2.0::DOUBLE))",
      DefaultCopyOptions(CopyFormat::kText));
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0], "a\\tb\tline\\nx\tback\\\\slash\t\\N\t1.5\n");
  EXPECT_EQ(data[1], "cr\\r\\b\\f\\v\t\té\tN\t2\n");
}

TEST(PgCopy, TextEscapesAnotherDelimiter) {
  CopyOptions o = DefaultCopyOptions(CopyFormat::kText);
  o.delimiter = '|';
  o.null_string = "";
  auto data = Copy("SELECT 'a|b', NULL::INTEGER, [1, 2]", o);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0], "a\\|b||{1,2}\n");
}

TEST(PgCopy, CsvQuotesOnlyWhenNeeded) {
  auto data = Copy(
      "SELECT 'plain' AS id, 'a,b' AS \"full name\", 'say \"hi\"' AS \"a,b\", '' AS e, NULL::VARCHAR AS n,"
      " 'line' || chr(10) AS l, 1 AS one",
      [] {
        CopyOptions o = DefaultCopyOptions(CopyFormat::kCsv);
        o.header = true;
        return o;
      }());
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0], "id,full name,\"a,b\",e,n,l,one\n");
  EXPECT_EQ(data[1], "plain,\"a,b\",\"say \"\"hi\"\"\",\"\",,\"line\n\",1\n");
}

TEST(PgCopy, CsvForceQuoteNullStringAndEndOfDataMarker) {
  CopyOptions o = DefaultCopyOptions(CopyFormat::kCsv);
  o.force_quote = {true, false};
  o.null_string = "NULL";
  auto data = Copy("SELECT * FROM (VALUES (1, 'NULL'), (NULL, NULL))", o);
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0], "\"1\",\"NULL\"\n");
  EXPECT_EQ(data[1], "NULL,NULL\n");  // force_quote never applies to NULL

  auto marker = Copy("SELECT '\\.'", DefaultCopyOptions(CopyFormat::kCsv));
  ASSERT_EQ(marker.size(), 1u);
  EXPECT_EQ(marker[0], "\"\\.\"\n");

  CopyOptions escaped = DefaultCopyOptions(CopyFormat::kCsv);
  escaped.escape = '\\';
  auto esc = Copy("SELECT 'a\"b\\c'", escaped);
  ASSERT_EQ(esc.size(), 1u);
  EXPECT_EQ(esc[0], "\"a\\\"b\\\\c\"\n");
}

TEST(PgCopy, TextAndCsvWithoutHeaderHaveNoStartOrEnd) {
  for (CopyFormat format : {CopyFormat::kText, CopyFormat::kCsv}) {
    CopyEncoder encoder({duckdb::LogicalType::INTEGER}, {"a"}, DefaultCopyOptions(format));
    std::string out;
    encoder.AppendStart(&out);
    encoder.AppendEnd(&out);
    EXPECT_EQ(out, "");
  }
}

// As PostgreSQL sends it (and psycopg expects): the signature and header
// share the first tuple's CopyData; the trailer has its own.
TEST(PgCopy, BinaryHasSignatureTuplesAndTrailer) {
  auto data =
      Copy("SELECT * FROM (VALUES (1::INTEGER, NULL::VARCHAR), (2, 'ab'))", DefaultCopyOptions(CopyFormat::kBinary));
  ASSERT_EQ(data.size(), 3u);
  const std::string header = Bytes("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0");
  EXPECT_EQ(Hex(data[0]), Hex(header) +
                              "0002"
                              "00000004"
                              "00000001"
                              "ffffffff");
  EXPECT_EQ(Hex(data[1]),
            "0002"
            "00000004"
            "00000002"
            "00000002"
            "6162");
  EXPECT_EQ(Hex(data[2]), "ffff");
}

TEST(PgCopy, BinaryWithoutRowsPutsTheHeaderBeforeTheTrailer) {
  auto data = Copy("SELECT 1::INTEGER WHERE false", DefaultCopyOptions(CopyFormat::kBinary));
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(Hex(data[0]), Hex(Bytes("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0")) + "ffff");
}

// --- Parameters ------------------------------------------------------------------------------------

struct ParamCase {
  uint32_t oid;
  int16_t format;
  std::optional<std::string> bytes;
  const char* type;   // LogicalType::ToString(), when ok
  const char* value;  // Value::ToString(), when ok
  StatusCode code = StatusCode::kOk;
};

void ExpectParams(const std::vector<ParamCase>& cases) {
  for (const auto& c : cases) {
    std::string what = std::to_string(c.oid) + "/" + std::to_string(c.format) + " " +
                       (c.bytes ? "'" + Hex(*c.bytes) + "'" : std::string("NULL"));
    auto r = DecodeParameter(c.oid, c.format, c.bytes);
    if (c.code != StatusCode::kOk) {
      ASSERT_FALSE(r.ok()) << what << " gave " << r->ToString();
      EXPECT_EQ(r.status().code(), c.code) << what << ": " << r.status().ToString();
      continue;
    }
    ASSERT_TRUE(r.ok()) << what << ": " << r.status().ToString();
    EXPECT_EQ(r->type().ToString(), c.type) << what;
    EXPECT_EQ(r->ToString(), c.value) << what;
  }
}

constexpr StatusCode kBad = StatusCode::kDataError;

TEST(PgParams, TextParametersOfTextLikeTypesAreVarchar) {
  ExpectParams({
      {0, 0, "abc", "VARCHAR", "abc"},
      {25, 0, "héllo", "VARCHAR", "héllo"},
      {1043, 0, "x", "VARCHAR", "x"},
      {705, 0, "x", "VARCHAR", "x"},
      {99999, 0, "12", "VARCHAR", "12"},
      {25, 0, "\xff", "", "", kBad},
      {0, 0, "\xc0\x80", "", "", kBad},      // overlong NUL
      {0, 0, "\xed\xa0\x80", "", "", kBad},  // surrogate
      {0, 0, Bytes("a\0b"), "", "", kBad},
  });
}

TEST(PgParams, TextIntegersAndBooleans) {
  ExpectParams({
      {23, 0, "42", "INTEGER", "42"},
      {23, 0, " -7 ", "INTEGER", "-7"},
      {23, 0, "+5", "INTEGER", "5"},
      {23, 0, "abc", "", "", kBad},
      {23, 0, "", "", "", kBad},
      {23, 0, "1.5", "", "", kBad},
      {23, 0, "2147483648", "", "", kBad},
      {23, 0, "-2147483648", "INTEGER", "-2147483648"},
      {21, 0, "-32768", "SMALLINT", "-32768"},
      {21, 0, "32768", "", "", kBad},
      {20, 0, "-9223372036854775808", "BIGINT", "-9223372036854775808"},
      {20, 0, "9223372036854775808", "", "", kBad},
      {20, 0, "99999999999999999999999", "", "", kBad},
      {16, 0, "t", "BOOLEAN", "true"},
      {16, 0, "TRUE", "BOOLEAN", "true"},
      {16, 0, "tr", "BOOLEAN", "true"},
      {16, 0, " yes ", "BOOLEAN", "true"},
      {16, 0, "on", "BOOLEAN", "true"},
      {16, 0, "1", "BOOLEAN", "true"},
      {16, 0, "f", "BOOLEAN", "false"},
      {16, 0, "No", "BOOLEAN", "false"},
      {16, 0, "off", "BOOLEAN", "false"},
      {16, 0, "of", "BOOLEAN", "false"},
      {16, 0, "0", "BOOLEAN", "false"},
      {16, 0, "o", "", "", kBad},
      {16, 0, "maybe", "", "", kBad},
      {16, 0, "truee", "", "", kBad},
      {16, 0, "", "", "", kBad},
  });
}

TEST(PgParams, TextFloatsAndNumerics) {
  ExpectParams({
      {701, 0, "1.5", "DOUBLE", "1.5"},
      {701, 0, " -2e3 ", "DOUBLE", "-2000.0"},
      {701, 0, "-Infinity", "DOUBLE", "-inf"},
      {701, 0, "1e400", "", "", kBad},
      {701, 0, "1.5x", "", "", kBad},
      {701, 0, "", "", "", kBad},
      {700, 0, "0.5", "FLOAT", "0.5"},
      {1700, 0, "12.50", "DECIMAL(18,2)", "12.50"},
      {1700, 0, "-1234567.891", "DECIMAL(18,3)", "-1234567.891"},
      {1700, 0, "1e3", "DECIMAL(18,0)", "1000"},
      {1700, 0, "1.5e-3", "DECIMAL(18,4)", "0.0015"},
      {1700, 0, ".5", "DECIMAL(18,1)", "0.5"},
      {1700, 0, "0", "DECIMAL(18,0)", "0"},
      {1700, 0, "12345678901234567890.5", "DECIMAL(38,1)", "12345678901234567890.5"},
      {1700, 0, "1234567890123456789012345678901234567890", "DOUBLE", "1.2345678901234568e+39"},
      {1700, 0, "abc", "", "", kBad},
      {1700, 0, "1e", "", "", kBad},
      {1700, 0, "1.2.3", "", "", kBad},
  });
}

TEST(PgParams, TextTemporalUuidAndBytea) {
  ExpectParams({
      {1082, 0, "2024-01-02", "DATE", "2024-01-02"},
      // PostgreSQL ignores a zone after a date or a timestamp without one
      // (pgJDBC sends them so).
      {1082, 0, "2024-01-02 +00", "DATE", "2024-01-02"},
      {1114, 0, "2024-01-02 03:04:05.5+02", "TIMESTAMP", "2024-01-02 03:04:05.5"},
      {1082, 0, "garbage", "", "", kBad},
      {1083, 0, "04:05:06", "TIME", "04:05:06"},
      {1114, 0, "2024-01-02 03:04:05", "TIMESTAMP", "2024-01-02 03:04:05"},
      {1186, 0, "1 day 02:00:00", "INTERVAL", "1 day 02:00:00"},
      {2950, 0, "123e4567-e89b-12d3-a456-426614174000", "UUID", "123e4567-e89b-12d3-a456-426614174000"},
      {2950, 0, "not-a-uuid", "", "", kBad},
      {17, 0, "\\x0102ff", "BLOB", "\\x01\\x02\\xFF"},
      {17, 0, "\\x01 02", "BLOB", "\\x01\\x02"},
      {17, 0, "a\\\\b\\001", "BLOB", "a\\x5Cb\\x01"},  // DuckDB prints \ as \x5C
      {17, 0, "\\x0", "", "", kBad},
      {17, 0, "\\xzz", "", "", kBad},
      {17, 0, "\\q", "", "", kBad},
  });
  auto tz = DecodeParameter(1184, 0, "2024-01-02 03:04:05+02");
  ASSERT_TRUE(tz.ok()) << tz.status().ToString();
  EXPECT_EQ(tz->type().id(), duckdb::LogicalTypeId::TIMESTAMP_TZ);
  EXPECT_EQ(tz->GetValue<duckdb::timestamp_tz_t>().value,
            duckdb::Value::TIMESTAMP(duckdb::Date::FromDate(2024, 1, 2),
                                     duckdb::dtime_t(3600000000LL + 4 * 60000000LL + 5000000LL))
                .GetValue<duckdb::timestamp_t>()
                .value);
}

TEST(PgParams, BinaryFixedWidthTypesCheckTheirLength) {
  ExpectParams({
      {23, 1, Unhex("0000002a"), "INTEGER", "42"},
      {23, 1, Unhex("00002a"), "", "", kBad},
      {23, 1, Unhex("0000002a00"), "", "", kBad},
      {21, 1, Unhex("fffe"), "SMALLINT", "-2"},
      {20, 1, Unhex("fffffffffffffffe"), "BIGINT", "-2"},
      {20, 1, Unhex("0000"), "", "", kBad},
      {16, 1, Unhex("01"), "BOOLEAN", "true"},
      {16, 1, Unhex("00"), "BOOLEAN", "false"},
      {16, 1, "", "", "", kBad},
      {701, 1, Unhex("3ff8000000000000"), "DOUBLE", "1.5"},
      {700, 1, Unhex("3fc00000"), "FLOAT", "1.5"},
      {25, 1, "héllo", "VARCHAR", "héllo"},
      {1043, 1, "x", "VARCHAR", "x"},
      {25, 1, "\xff", "", "", kBad},
      {17, 1, Unhex("00ff"), "BLOB", "\\x00\\xFF"},
      {1082, 1, Unhex("00000000"), "DATE", "2000-01-01"},
      {1082, 1, Unhex("ffffd533"), "DATE", "1970-01-01"},
      {1082, 1, Unhex("7fffffff"), "DATE", "infinity"},
      {1082, 1, Unhex("80000000"), "DATE", "-infinity"},
      {1082, 1, Unhex("000000"), "", "", kBad},
      {1083, 1, Unhex("000000000016e360"), "TIME", "00:00:01.5"},
      {1083, 1, Unhex("ffffffffffffffff"), "", "", kBad},
      {1114, 1, Unhex("0000000000000000"), "TIMESTAMP", "2000-01-01 00:00:00"},
      {1114, 1, Unhex("00000000000f4240"), "TIMESTAMP", "2000-01-01 00:00:01"},
      {1114, 1, Unhex("7fffffffffffffff"), "TIMESTAMP", "infinity"},
      {1114, 1, Unhex("8000000000000000"), "TIMESTAMP", "-infinity"},
      {1114, 1, Unhex("7ffffffffffffffe"), "", "", kBad},  // beyond DuckDB's range
      {1186, 1, Unhex("0000000000000003 00000002 00000001"), "INTERVAL", "1 month 2 days 00:00:00.000003"},
      {2950, 1, Unhex("123e4567e89b12d3a456426614174000"), "UUID", "123e4567-e89b-12d3-a456-426614174000"},
      {2950, 1, Unhex("123e4567"), "", "", kBad},
  });
  auto tz = DecodeParameter(1184, 1, Unhex("00000000000f4240"));
  ASSERT_TRUE(tz.ok());
  EXPECT_EQ(tz->type().id(), duckdb::LogicalTypeId::TIMESTAMP_TZ);
  EXPECT_EQ(tz->GetValue<duckdb::timestamp_tz_t>().value, 946684801000000LL);
}

TEST(PgParams, BinaryNumeric) {
  ExpectParams({
      {1700, 1, Unhex("0002 0000 0000 0002 000c 1388"), "DECIMAL(18,2)", "12.50"},
      {1700, 1, Unhex("0003 0001 4000 0003 007b 11d7 22ce"), "DECIMAL(18,3)", "-1234567.891"},
      {1700, 1, Unhex("0001 0001 0000 0000 0001"), "DECIMAL(18,0)", "10000"},
      {1700, 1, Unhex("0000 0000 0000 0000"), "DECIMAL(18,0)", "0"},
      {1700, 1, Unhex("0001 fffe 0000 0005 03e8"), "DECIMAL(18,5)", "0.00001"},
      {1700, 1, Unhex("0000 0000 c000 0000"), "DOUBLE", "nan"},
      {1700, 1, Unhex("0001 0000 0000 0000 2710"), "", "", kBad},  // digit 10000
      {1700, 1, Unhex("0002 0000 0000 0000 0001"), "", "", kBad},  // truncated
      {1700, 1, Unhex("0000 0000 1234 0000"), "", "", kBad},       // bad sign
      {1700, 1, Unhex("0000 00"), "", "", kBad},
  });
}

TEST(PgParams, BinaryNeedsAKnownType) {
  for (uint32_t oid : {0u, 1007u, 705u, 12345u}) {
    auto r = DecodeParameter(oid, 1, std::string("\0\0\0\1", 4));
    ASSERT_FALSE(r.ok()) << oid;
    EXPECT_EQ(r.status().code(), StatusCode::kDataError);
    EXPECT_NE(r.status().message().find("OID " + std::to_string(oid)), std::string::npos) << r.status().message();
  }
}

TEST(PgParams, NullsAreTypedWhenTheTypeIsKnown) {
  auto typed = DecodeParameter(23, 1, std::nullopt);
  ASSERT_TRUE(typed.ok());
  EXPECT_TRUE(typed->IsNull());
  EXPECT_EQ(typed->type(), duckdb::LogicalType::INTEGER);
  auto untyped = DecodeParameter(0, 0, std::nullopt);
  ASSERT_TRUE(untyped.ok());
  EXPECT_TRUE(untyped->IsNull());
}

TEST(PgParams, BinaryRoundTripsWhatRowEncoderSends) {
  const char* exprs[] = {
      "true",
      "(-2)::SMALLINT",
      "123456::INTEGER",
      "(-5)::BIGINT",
      "1.25::REAL",
      "(-0.1)::DOUBLE",
      "'héllo'",
      "'\\x00\\x01'::BLOB",
      "DATE '1999-12-31'",
      "'infinity'::DATE",
      "TIME '12:34:56.789'",
      "TIMESTAMP '1969-07-20 20:17:40.5'",
      "TIMESTAMPTZ '2024-02-29 12:00:00+00'",
      "INTERVAL '-1 year 2 days 00:00:03.5'",
      "'123e4567-e89b-12d3-a456-426614174000'::UUID",
      "(-1234567.891)::DECIMAL(10,3)",
      "0.00001::DECIMAL(6,5)",
      "'12345678901234567890.123456789'::DECIMAL(38,9)",
  };
  for (const char* expr : exprs) {
    Fetched f = RunSql(std::string("SELECT ") + expr);
    ASSERT_TRUE(f.chunk) << expr;
    Cell bytes = Encode(expr, 1);
    ASSERT_TRUE(bytes.has_value()) << expr;
    auto decoded = DecodeParameter(PgTypeFor(f.types[0]).oid, 1, bytes);
    ASSERT_TRUE(decoded.ok()) << expr << ": " << decoded.status().ToString();
    duckdb::Value original = f.chunk->GetValue(0, 0);
    EXPECT_EQ(decoded->ToString(), original.ToString()) << expr;
  }
}

TEST(PgParams, RandomBytesAreDecodedOrRefused) {
  std::mt19937 rng(7);
  const uint32_t oids[] = {0, 16, 17, 20, 21, 23, 25, 700, 701, 1043, 1082, 1083, 1114, 1184, 1186, 1700, 2950, 3802};
  for (uint32_t oid : oids) {
    for (int16_t format : {int16_t{0}, int16_t{1}}) {
      for (int i = 0; i < 300; ++i) {
        std::string bytes(rng() % 20, '\0');
        for (char& c : bytes) c = static_cast<char>(rng() % 3 == 0 ? "0123456789.-e:x "[rng() % 16] : rng());
        auto r = DecodeParameter(oid, format, bytes);
        if (!r.ok()) {
          EXPECT_EQ(r.status().code(), StatusCode::kDataError) << oid << ": " << r.status().ToString();
        }
      }
    }
  }
}

TEST(PgParams, LogicalTypeForOid) {
  struct Case {
    uint32_t oid;
    std::optional<duckdb::LogicalType> want;
  };
  const Case cases[] = {
      {16, duckdb::LogicalType::BOOLEAN},
      {17, duckdb::LogicalType::BLOB},
      {20, duckdb::LogicalType::BIGINT},
      {21, duckdb::LogicalType::SMALLINT},
      {23, duckdb::LogicalType::INTEGER},
      {25, duckdb::LogicalType::VARCHAR},
      {1043, duckdb::LogicalType::VARCHAR},
      {700, duckdb::LogicalType::FLOAT},
      {701, duckdb::LogicalType::DOUBLE},
      {1082, duckdb::LogicalType::DATE},
      {1083, duckdb::LogicalType::TIME},
      {1114, duckdb::LogicalType::TIMESTAMP},
      {1184, duckdb::LogicalType::TIMESTAMP_TZ},
      {1186, duckdb::LogicalType::INTERVAL},
      {2950, duckdb::LogicalType::UUID},
      {1700, duckdb::LogicalType::DECIMAL(38, 10)},
      {0, std::nullopt},
      {705, std::nullopt},
      {1007, std::nullopt},
      {424242, std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(LogicalTypeForOid(c.oid), c.want) << c.oid;
}

}  // namespace
}  // namespace weir::pgwire
