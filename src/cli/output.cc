#include "cli/output.h"

#include <algorithm>
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "duckdb.hpp"

namespace weir::cli {

bool ParseOutputFormat(const std::string& text, OutputFormat* out) {
  if (text == "table") {
    *out = OutputFormat::kTable;
  } else if (text == "csv") {
    *out = OutputFormat::kCsv;
  } else if (text == "json") {
    *out = OutputFormat::kJson;
  } else {
    return false;
  }
  return true;
}

namespace {

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

nlohmann::json JsonValue(const duckdb::Value& v) {
  if (v.IsNull()) return nullptr;
  switch (v.type().id()) {
    case duckdb::LogicalTypeId::BOOLEAN:
      return v.GetValue<bool>();
    case duckdb::LogicalTypeId::TINYINT:
    case duckdb::LogicalTypeId::SMALLINT:
    case duckdb::LogicalTypeId::INTEGER:
    case duckdb::LogicalTypeId::BIGINT:
      return v.GetValue<int64_t>();
    case duckdb::LogicalTypeId::UTINYINT:
    case duckdb::LogicalTypeId::USMALLINT:
    case duckdb::LogicalTypeId::UINTEGER:
    case duckdb::LogicalTypeId::UBIGINT:
      return v.GetValue<uint64_t>();
    case duckdb::LogicalTypeId::HUGEINT:
    case duckdb::LogicalTypeId::UHUGEINT:
      // Exact when it fits 64 bits (sum() of BIGINT is HUGEINT); a JSON number either way.
      return nlohmann::json::parse(v.ToString());
    case duckdb::LogicalTypeId::FLOAT:
    case duckdb::LogicalTypeId::DOUBLE:
      return v.GetValue<double>();
    default:
      return v.ToString();
  }
}

}  // namespace

Status PrintResult(session::StatementResult& result, OutputFormat format, std::ostream& out) {
  if (!result.rows) {
    if (format == OutputFormat::kTable) out << result.tag << "\n";
    return Status::Ok();
  }
  const auto& names = result.rows->names();
  std::vector<std::vector<std::string>> text_rows;  // table format buffers to align
  if (format == OutputFormat::kCsv) {
    for (size_t c = 0; c < names.size(); c++) out << (c ? "," : "") << CsvField(names[c]);
    out << "\n";
  }
  int64_t count = 0;
  while (true) {
    WEIR_ASSIGN_OR_RETURN(auto chunk, result.rows->Next());
    if (!chunk) break;
    for (duckdb::idx_t r = 0; r < chunk->size(); r++, count++) {
      if (format == OutputFormat::kJson) {
        nlohmann::ordered_json row = nlohmann::ordered_json::object();
        for (size_t c = 0; c < names.size(); c++) row[names[c]] = JsonValue(chunk->GetValue(c, r));
        out << row.dump() << "\n";
        continue;
      }
      std::vector<std::string> fields;
      for (size_t c = 0; c < names.size(); c++) {
        auto v = chunk->GetValue(c, r);
        fields.push_back(v.IsNull() ? (format == OutputFormat::kTable ? "NULL" : "") : v.ToString());
      }
      if (format == OutputFormat::kCsv) {
        for (size_t c = 0; c < fields.size(); c++) out << (c ? "," : "") << CsvField(fields[c]);
        out << "\n";
      } else {
        text_rows.push_back(std::move(fields));
      }
    }
  }
  if (format != OutputFormat::kTable) return Status::Ok();
  std::vector<size_t> width(names.size());
  for (size_t c = 0; c < names.size(); c++) {
    width[c] = names[c].size();
    for (const auto& row : text_rows) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& fields) {
    for (size_t c = 0; c < fields.size(); c++) {
      out << (c ? " | " : " ") << fields[c] << std::string(width[c] - fields[c].size(), ' ');
    }
    out << "\n";
  };
  line({names.begin(), names.end()});
  for (size_t c = 0; c < names.size(); c++) out << (c ? "-+-" : "-") << std::string(width[c], '-');
  out << "-\n";
  for (const auto& row : text_rows) line(row);
  out << "(" << count << (count == 1 ? " row)" : " rows)") << "\n";
  return Status::Ok();
}

void PrintError(const Status& status) {
  std::cerr << "ERROR:  " << status.sqlstate() << ": " << status.message() << std::endl;
}

}  // namespace weir::cli
