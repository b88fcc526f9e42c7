#include "audit/record.h"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <utility>

#include <openssl/sha.h>

namespace weir::audit {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

// "2026-11-30T04:34:22.123456Z". Floor division keeps times before 1970
// correct (the microseconds part is never negative).
std::string FormatTime(int64_t time_us) {
  int64_t seconds = time_us / kMicrosPerSecond;
  int64_t micros = time_us % kMicrosPerSecond;
  if (micros < 0) {
    micros += kMicrosPerSecond;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return buf;
}

bool GetString(const nlohmann::json& json, const char* key, std::string* out) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

bool GetInt(const nlohmann::json& json, const char* key, int64_t* out) {
  auto it = json.find(key);
  // Unsigned values above INT64_MAX would wrap; refuse them.
  if (it == json.end() || !it->is_number_integer()) return false;
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (it->is_number_unsigned() && it->get<uint64_t>() > kMax) return false;
  *out = it->get<int64_t>();
  return true;
}

bool GetStrings(const nlohmann::json& json, const char* key, std::vector<std::string>* out) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_array()) return false;
  out->clear();
  out->reserve(it->size());
  for (const auto& item : *it) {
    if (!item.is_string()) return false;
    out->push_back(item.get<std::string>());
  }
  return true;
}

}  // namespace

nlohmann::json ToJson(const Record& record) {
  nlohmann::json json = nlohmann::json::object();
  json["seq"] = record.seq;
  json["time"] = FormatTime(record.time_us);
  json["time_us"] = record.time_us;
  json["kind"] = record.kind;
  json["actor"] = record.actor;
  json["source_identity"] = record.source_identity;
  json["role"] = record.role;
  json["action"] = record.action;
  json["decision"] = record.decision;
  if (record.kind == "query") {
    json["statement"] = record.statement;
    json["tables"] = record.tables;
    json["columns"] = record.columns;
    json["rows"] = record.rows;
    json["duration_us"] = record.duration_us;
  }
  if (!record.error.empty()) json["error"] = record.error;
  json["detail"] = record.detail.is_object() ? record.detail : nlohmann::json::object();
  json["prev_hash"] = record.prev_hash;
  json["hash"] = record.hash;
  return json;
}

const char* const kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

namespace {

// nlohmann's objects are std::maps: dump() writes keys sorted, so the text
// depends only on the record's content.
std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// SHA-256 (hex) of `json` without its "hash" member.
std::string HashWithoutHash(nlohmann::json& json) {
  json.erase("hash");
  std::string text = Dump(json);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xf];
  }
  return hex;
}

}  // namespace

std::string ChainHash(const Record& record) {
  nlohmann::json json = ToJson(record);
  return HashWithoutHash(json);
}

void Chain(const std::string& prev_hash, Record* record) {
  record->prev_hash = prev_hash;
  record->hash = ChainHash(*record);
}

std::string ToLine(const Record& record) { return Dump(ToJson(record)); }

std::string ChainToLine(const std::string& prev_hash, Record* record) {
  record->prev_hash = prev_hash;
  nlohmann::json json = ToJson(*record);
  record->hash = HashWithoutHash(json);
  json["hash"] = record->hash;
  return Dump(json);
}

bool FromJson(const nlohmann::json& json, Record* out) {
  // Every accessor below checks the type first, so nothing should throw;
  // the catch is a guard against a json library surprise, not control flow.
  try {
    if (!json.is_object()) return false;
    Record r;
    // time_us is authoritative; "time" is its human-readable rendering.
    if (!GetInt(json, "seq", &r.seq) || !GetInt(json, "time_us", &r.time_us) || !GetString(json, "kind", &r.kind) ||
        !GetString(json, "actor", &r.actor) || !GetString(json, "source_identity", &r.source_identity) ||
        !GetString(json, "role", &r.role) || !GetString(json, "action", &r.action) ||
        !GetString(json, "decision", &r.decision)) {
      return false;
    }
    if (auto it = json.find("time"); it != json.end() && !it->is_string()) return false;
    if (r.kind == "query") {
      if (!GetString(json, "statement", &r.statement) || !GetStrings(json, "tables", &r.tables) ||
          !GetStrings(json, "columns", &r.columns) || !GetInt(json, "rows", &r.rows) ||
          !GetInt(json, "duration_us", &r.duration_us)) {
        return false;
      }
    }
    if (json.contains("error") && !GetString(json, "error", &r.error)) return false;
    auto detail = json.find("detail");
    if (detail == json.end() || !detail->is_object()) return false;
    r.detail = *detail;
    if (!GetString(json, "prev_hash", &r.prev_hash) || !GetString(json, "hash", &r.hash)) return false;
    *out = std::move(r);
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace weir::audit
