#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace duckdb {
class DataChunk;
class LogicalType;
class Value;
}  // namespace duckdb

// DuckDB values as PostgreSQL clients expect them: type OIDs for
// RowDescription, the text and binary encodings of result columns, COPY TO
// STDOUT's three formats, and Bind parameters decoded into DuckDB values.
namespace weir::pgwire {

// A PostgreSQL type as RowDescription reports it.
struct PgType {
  uint32_t oid = 25;  // text
  int16_t size = -1;  // pg_type.typlen; -1 = variable
  const char* name = "text";
  int32_t modifier = -1;  // RowDescription's type modifier: numeric's ((precision << 16) | scale) + 4, else -1
};

// The PostgreSQL type a DuckDB type is presented as:
//   BOOLEAN→bool(16); TINYINT,SMALLINT,UTINYINT→int2(21); INTEGER,USMALLINT→int4(23);
//   BIGINT,UINTEGER→int8(20); UBIGINT,HUGEINT,UHUGEINT,DECIMAL→numeric(1700);
//   FLOAT→float4(700); DOUBLE→float8(701); VARCHAR→text(25); BLOB→bytea(17);
//   DATE→date(1082); TIME→time(1083); TIMESTAMP(_S/_MS/_NS)→timestamp(1114);
//   TIMESTAMP WITH TIME ZONE→timestamptz(1184); INTERVAL→interval(1186);
//   UUID→uuid(2950); LIST/ARRAY of one of these → its array type (_int4 1007,
//   _text 1009, ...); everything else (STRUCT, MAP, UNION, ENUM, BIT, ...) →
//   text(25), encoded as DuckDB's own text form. Never fails.
PgType PgTypeFor(const duckdb::LogicalType& type);

// A row of pg_type for the types PgTypeFor presents: what catalog queries
// (JDBC's getColumns, psql's \d) need to name them.
struct PgTypeRow {
  uint32_t oid = 0;
  const char* name = "";
  int16_t size = -1;
  uint32_t element_oid = 0;  // arrays: the element type
  uint32_t array_oid = 0;    // scalars: their array type
  char category = 'U';       // pg_type.typcategory
};

// Every type PgTypeFor can return, scalars and their arrays.
const std::vector<PgTypeRow>& PgTypeRows();

// Encodes result rows as DataRow messages. Each column is sent in text (0)
// or binary (1) format, as the client asked in Bind:
//  - text is exactly what PostgreSQL prints with its defaults (DateStyle ISO,
//    extra_float_digits 1, IntervalStyle postgres, bytea_output hex, session
//    time zone UTC): booleans t/f; shortest round-trip floats with Infinity,
//    -Infinity, NaN; dates YYYY-MM-DD (BC suffix before year 1); timestamps
//    YYYY-MM-DD HH:MM:SS[.ffffff]; timestamptz with +00; intervals like
//    "1 year 2 mons 3 days 04:05:06.5"; bytea \x…; arrays {a,b,NULL} with
//    PostgreSQL's quoting; numerics exact.
//  - binary is PostgreSQL's send format for the column's PgType (int2/4/8,
//    float4/8, bool, text bytes, numeric's base-10000 digits, date days and
//    timestamp microseconds since 2000-01-01, interval µs/days/months, uuid
//    16 bytes, arrays with header and elements); columns presented as text
//    send their text bytes.
// Values are read from the chunk's vectors (any vector type) by each
// vector's own type, which must be the type given here. Types presented as
// text (STRUCT, MAP, ENUM, ...) go through duckdb::Value per cell.
// Known limitations: PostgreSQL arrays are rectangular, DuckDB lists need not
// be; a jagged nested list is sent in binary padded with NULLs to its
// largest sub-list (text shows it as it is), and one whose box would exceed
// PostgreSQL's MaxArraySize is sent as an empty array.
// Immutable after construction; thread-compatible.
class RowEncoder {
 public:
  // `formats` has one code (0/1) per column.
  RowEncoder(std::vector<duckdb::LogicalType> types, std::vector<int16_t> formats);
  ~RowEncoder();

  // Appends one DataRow message per row of `chunk` in [begin, end) to `out`.
  void AppendDataRows(duckdb::DataChunk& chunk, size_t begin, size_t end, std::string* out) const;

 private:
  std::vector<duckdb::LogicalType> types_;
  std::vector<int16_t> formats_;
};

enum class CopyFormat { kText, kCsv, kBinary };

// COPY … TO STDOUT options, PostgreSQL's names and defaults.
struct CopyOptions {
  CopyFormat format = CopyFormat::kText;
  char delimiter = '\t';          // ',' for CSV
  std::string null_string;        // "\\N" for text, "" for CSV
  bool header = false;            // CSV only
  char quote = '"';               // CSV only
  char escape = '"';              // CSV only
  std::vector<bool> force_quote;  // CSV: per column, quote non-NULL values always
};

// The defaults PostgreSQL uses for `format` (delimiter, null string).
CopyOptions DefaultCopyOptions(CopyFormat format);

// Encodes rows for COPY TO STDOUT as CopyData messages (one per row, as
// PostgreSQL sends them). Text and CSV use the text encodings above with
// COPY's escaping/quoting (CopyAttributeOutText / CopyAttributeOutCSV: a CSV
// value is quoted when it contains the delimiter, quote, escape, CR or LF,
// equals the null string — so "" differs from NULL — or is "\." alone);
// binary uses the send formats with the PGCOPY signature header and the -1
// trailer. The caller sends CopyOutResponse first and CopyDone plus
// CommandComplete "COPY n" after AppendEnd. Not thread-safe: a binary
// AppendStart leaves the header pending for the next message, so use one
// encoder per COPY.
class CopyEncoder {
 public:
  CopyEncoder(std::vector<duckdb::LogicalType> types, std::vector<std::string> names, CopyOptions options);
  ~CopyEncoder();

  // The CSV header line; nothing for text. For binary, the signature and
  // header go at the front of the next CopyData (the first row's, or the
  // trailer's when there are no rows), as PostgreSQL sends them: clients
  // such as psycopg expect the header and the first tuple in one message.
  void AppendStart(std::string* out);
  // One CopyData message per row of `chunk` in [begin, end).
  void AppendRows(duckdb::DataChunk& chunk, size_t begin, size_t end, std::string* out);
  // The binary trailer in its own CopyData message; nothing for text and CSV.
  void AppendEnd(std::string* out);

 private:
  std::vector<duckdb::LogicalType> types_;
  std::vector<std::string> names_;
  CopyOptions options_;
  bool header_pending_ = false;  // binary: the header still to send
};

// Decodes one Bind parameter. `oid` is the type the client declared in
// Parse (0 = unspecified), `format` 0 text / 1 binary, `bytes` nullopt for
// NULL. Text with an unspecified, text-like or unknown type gives a VARCHAR
// value (DuckDB casts it where used; invalid UTF-8 or NUL is kDataError);
// text with a declared type is parsed as that type (bool with PostgreSQL's
// spellings, integers strictly, date/time/timestamp/interval/uuid by
// DuckDB's casts, so PostgreSQL-only words like 'epoch' or named time zones
// are refused); binary needs a declared type this module knows (bool, int2,
// int4, int8, oid, float4, float8, text, varchar, bpchar, name, json, jsonb,
// bytea, date, time, timestamp, timestamptz, interval, uuid, numeric).
// numeric becomes DECIMAL(18 or 38, the value's own scale), or DOUBLE for
// NaN, ±Infinity and values beyond 38 digits. NULL gives a NULL of
// LogicalTypeForOid(oid), or of SQLNULL when that is nullopt. kDataError
// (22P02-like) with the parameter's problem on malformed input, e.g. an int4
// whose binary length is not 4 or text "abc" declared int8 (the message does
// not name the parameter: callers prefix its position); kInvalidArgument for
// a format code other than 0/1.
Result<duckdb::Value> DecodeParameter(uint32_t oid, int16_t format, const std::optional<std::string>& bytes);

// The DuckDB type for a PostgreSQL type OID a client declared (bool →
// BOOLEAN, int2 → SMALLINT, int4 → INTEGER, int8/oid → BIGINT, float4 →
// FLOAT, float8 → DOUBLE, numeric → DECIMAL(38,10), text/varchar/bpchar/
// name/char/json/jsonb → VARCHAR, bytea → BLOB, date, time, timestamp,
// timestamptz, interval, uuid); nullopt for 0, unknown (705), array types
// and other OIDs.
std::optional<duckdb::LogicalType> LogicalTypeForOid(uint32_t oid);

}  // namespace weir::pgwire
