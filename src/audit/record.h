#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace weir::audit {

// One audit record. Admin changes are written in the same store transaction
// as the change; query records are group-committed by audit::QueryAuditor.
struct Record {
  int64_t seq = 0;              // assigned by the store, strictly increasing
  int64_t time_us = 0;          // microseconds since the Unix epoch
  std::string kind;             // "admin", "query", "connection" or "session" (role assumptions)
  std::string actor;            // who: a user name, or "local:<os user>" for a local administrator
  std::string source_identity;  // the person behind the session (== actor until identities exist)
  std::string role;             // the role the action ran as ("" for a local administrator's own changes)
  std::string action;           // "create_role", "grant", "query", "connect", "assume_role", ...
  std::string decision;         // "allow", "deny" or "error"
  // Query records: the statement, what it read, and how it ended.
  std::string statement;
  std::vector<std::string> tables;   // "db.table"
  std::vector<std::string> columns;  // "db.table.column"
  int64_t rows = 0;
  int64_t duration_us = 0;
  std::string error;  // "SQLSTATE: message" when decision != allow (queries, and denied admin verbs)
  // Admin records: what changed, as a JSON object.
  nlohmann::json detail = nlohmann::json::object();
  // The hash chain, set by the store where it assigns the seq: prev_hash is
  // the previous record's hash (kGenesisHash for the first record), hash is
  // ChainHash(*this). Both 64 lowercase hex digits.
  std::string prev_hash;
  std::string hash;
};

// What the first record chains from: 64 zeros.
extern const char* const kGenesisHash;

// SHA-256 (hex) of the record's canonical serialization: ToJson() without
// the "hash" member (so seq and prev_hash are covered), keys sorted, no
// whitespace, invalid UTF-8 replaced. Independent of `record.hash`.
std::string ChainHash(const Record& record);

// Sets `record->prev_hash` and `record->hash` for a record that follows a
// record whose hash is `prev_hash`. The seq must be assigned first.
void Chain(const std::string& prev_hash, Record* record);

// The JSON form used in D/audit/*.jsonl and the store.
nlohmann::json ToJson(const Record& record);
// ToJson() as one line of text (keys sorted, no whitespace, invalid UTF-8
// replaced): what the store and the audit files hold.
std::string ToLine(const Record& record);
// Chain(), returning the record's ToLine() from the same serialization.
std::string ChainToLine(const std::string& prev_hash, Record* record);
// Parses ToJson's output. Returns false on a malformed document, including
// one without "prev_hash" and "hash" (written before the chain existed).
bool FromJson(const nlohmann::json& json, Record* out);

}  // namespace weir::audit
