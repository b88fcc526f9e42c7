#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace weir::catalog {

// Catalog objects: databases hold tables, tables hold columns. These are
// plain values; the store persists them and access::Snapshot indexes them.

struct Column {
  std::string name;
  std::string type;        // DuckDB type name as read from the files ("BIGINT", "VARCHAR", ...)
  bool partition = false;  // a Hive-style `key=value` folder, not a column inside the files
};

enum class TableFormat { kParquet, kCsv };

// "parquet" / "csv".
const char* FormatName(TableFormat format);

// Parses "parquet" or "csv" (case-insensitive). Returns false otherwise.
bool ParseFormat(const std::string& text, TableFormat* out);

struct Database {
  std::string name;
  std::string description;
};

struct Table {
  std::string database;
  std::string name;
  // Directory relative to the lake root holding the table's files, Hive
  // partition folders included. Never absolute, never containing "..".
  std::string location;
  TableFormat format = TableFormat::kParquet;
  std::vector<Column> columns;  // in the order SELECT * returns them

  std::string QualifiedName() const { return database + "." + name; }
};

// Object names (databases, tables, roles) are lower-case ASCII identifiers:
// a letter or '_' first, then letters, digits, '_' or '-'; at most 255 bytes.
// Columns follow the same rule but keep the case the files give them.
bool IsValidName(const std::string& name);

}  // namespace weir::catalog
