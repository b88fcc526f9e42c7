#pragma once

// Reading the audit trail after the fact: verifying its hash chain, and
// selecting records for `weir audit` and the weir_audit table.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/record.h"
#include "common/status.h"

namespace weir::store {
class Store;
}

namespace weir::audit {

// Where the chain first breaks.
struct ChainBreak {
  int64_t seq = 0;      // the first record that does not verify
  std::string where;    // "store" or "FILE line N"
  std::string problem;  // what is wrong, for people
};

struct VerifyReport {
  int64_t records = 0;       // records in the store's table
  int64_t last_seq = 0;      // the newest one's seq (0 when empty)
  std::string head;          // its hash: the chain head (kGenesisHash when empty)
  int64_t file_records = 0;  // records in the files
  std::vector<std::string> files;
  std::optional<ChainBreak> broken;  // nullopt: everything verifies
};

// Recomputes the chain over the store's audit table, then over the files of
// `dir` (rotated ones first, see ListAuditFiles) as one sequence, and checks
// that every file record is the table's record of the same seq. The files
// may lag the table (records not yet exported), never lead it.
//
// A record is reported when its hash does not match its content (edited),
// when its prev_hash is not the previous record's hash (one deleted,
// inserted or moved before it; the first must chain from kGenesisHash), when
// its seq does not increase, when a file line is not a record or differs
// from the record it parses to, or when it differs from (or is missing in)
// the table. Only the first problem is reported: the table's before the
// files'.
//
// Safe beside a running server: an unterminated last line (an export in
// progress) is skipped, and a pass that raced a rotation (the file list
// changed meanwhile) is run again.
//
// Known limitations: the chain is keyless, so someone who can rewrite the
// table and every file may recompute every hash after an edit, and deleting
// records at the end of both leaves a shorter valid chain. Keep the printed
// chain head elsewhere to detect both.
//
// kIoError when the store or a file cannot be read (not a broken chain).
Result<VerifyReport> Verify(store::Store& store, const std::string& dir);

// Which records `weir audit` and the weir_audit table select. Empty
// strings and nullopt match everything.
struct Query {
  std::string user;  // the actor or the source identity
  std::string role;
  std::string action;
  std::string decision;             // allow, deny or error
  std::optional<int64_t> since_us;  // time_us >= since
  std::optional<int64_t> until_us;  // time_us < until
};

bool Matches(const Query& query, const Record& record);

// An RFC 3339 time ("2026-11-30T04:34:22Z", fractions and "+02:00" offsets
// allowed; a bare date is its midnight UTC) or a duration before `now_us`
// ("30s", "15m", "2h", "7d"), as microseconds since the Unix epoch.
// kInvalidArgument names the accepted forms.
Result<int64_t> ParseTimeBound(const std::string& text, int64_t now_us);

}  // namespace weir::audit
