#include "catalog/catalog.h"

#include <algorithm>
#include <cctype>

namespace weir::catalog {

const char* FormatName(TableFormat format) {
  switch (format) {
    case TableFormat::kParquet:
      return "parquet";
    case TableFormat::kCsv:
      return "csv";
  }
  return "parquet";
}

bool ParseFormat(const std::string& text, TableFormat* out) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "parquet") {
    *out = TableFormat::kParquet;
    return true;
  }
  if (lower == "csv") {
    *out = TableFormat::kCsv;
    return true;
  }
  return false;
}

bool IsValidName(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  auto first = static_cast<unsigned char>(name[0]);
  if (!std::islower(first) && first != '_') return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_' || c == '-'; });
}

}  // namespace weir::catalog
