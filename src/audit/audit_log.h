#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/record.h"
#include "common/status.h"

namespace weir::store {
class Store;
}

namespace weir::audit {

// The audit trail of a data directory.
//
// The store's audit table is the source of truth: admin records are written
// by the same store transaction as the change they describe. Query records
// are queued by RecordQuery() and group-committed by a background thread:
// a record is durable at most `window` after RecordQuery() returns (the
// documented window, ≤ 100 ms), or when Flush() returns.
//
// The readable stream, JSON lines in `dir`/audit.jsonl (one ToJson() object a
// line, in seq order), is derived from the table: every commit is followed by
// an export of the records not yet in the file, and Open() catches up on
// anything a crash left unexported. So the file may lag the table by one
// commit after a crash, never lose a record.
//
// Rotation: once audit.jsonl exceeds `max_file_size` after an export, it is
// renamed to audit-FIRST-LAST.jsonl (its seq range, see RotatedFileName) and
// a new audit.jsonl is started. A crash between the two steps leaves no
// audit.jsonl; Open() creates it and takes the export position from the
// rotated files' names, so nothing is exported twice or lost.
//
// Thread-safe. The Store must outlive the AuditLog.
struct AuditLogOptions {
  static constexpr std::chrono::milliseconds kDefaultWindow{50};
  static constexpr int64_t kDefaultMaxFileSize = int64_t{64} << 20;  // 64 MiB

  std::chrono::milliseconds window = kDefaultWindow;  // query records' group-commit window
  int64_t max_file_size = kDefaultMaxFileSize;        // rotate audit.jsonl beyond this many bytes (> 0)
};

class AuditLog {
 public:
  static constexpr std::chrono::milliseconds kDefaultWindow = AuditLogOptions::kDefaultWindow;

  // Opens `dir` (creating it) and exports committed records missing from
  // the files. kIoError when the directory or file cannot be written;
  // kInvalidArgument for a max_file_size that is not positive.
  static Result<std::unique_ptr<AuditLog>> Open(store::Store* store, std::string dir, AuditLogOptions options);
  static Result<std::unique_ptr<AuditLog>> Open(store::Store* store, std::string dir,
                                                std::chrono::milliseconds window = kDefaultWindow) {
    return Open(store, std::move(dir), AuditLogOptions{window, AuditLogOptions::kDefaultMaxFileSize});
  }
  // Flushes pending query records (errors are reported on stderr).
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Queues a query record; never blocks on I/O. The time is set when zero.
  void RecordQuery(Record record);

  // Commits every queued record and exports every committed one.
  Status Flush();

  // Exports committed records that are not yet in the file. Call after
  // committing an admin change.
  Status ExportCommitted();

  // Path of the JSON lines file being written.
  const std::string& path() const { return path_; }
  // The directory of the current and rotated files.
  const std::string& dir() const { return dir_; }

 private:
  AuditLog(store::Store* store, std::string dir, AuditLogOptions options);
  void Run();
  // Commits every queued record (takes commit_mu_).
  Status CommitPending();
  // Appends `batch` to the store; on failure puts it back at the queue's head.
  Status CommitBatch(std::vector<Record> batch);
  // Truncates a torn or unreadable tail of the file and sets exported_seq_
  // from its last complete record. export_mu_ held.
  Status RecoverLocked();
  // export_mu_ held.
  Status ExportLocked();
  // Renames a full file to its seq range and starts a new one. export_mu_ held.
  Status RotateLocked();
  // Writes `status` to stderr unless it repeats the last error. mu_ held.
  void ReportLocked(const Status& status);

  store::Store* store_;
  std::string dir_;
  std::string path_;
  std::chrono::milliseconds window_;
  int64_t max_file_size_;

  // Serializes commits, so records reach the store in queue order and a
  // Flush() knows every batch taken before it has landed. Taken before mu_
  // and export_mu_, never after.
  std::mutex commit_mu_;

  std::mutex mu_;  // guards the members down to export_mu_
  std::condition_variable wake_;
  std::vector<Record> pending_;
  bool stopping_ = false;
  Status last_error_;  // the last error reported on stderr

  std::mutex export_mu_;  // guards the members down to file_first_seq_
  int fd_ = -1;           // audit.jsonl, O_APPEND
  int64_t exported_seq_ = 0;
  int64_t file_first_seq_ = 0;  // the first record in audit.jsonl, 0 while it is empty

  std::thread thread_;
};

// Microseconds since the Unix epoch, now.
int64_t NowMicros();

// "audit-000000001-000004211.jsonl": the name of a rotated file holding
// records first..last (at least 9 digits each, more when needed).
std::string RotatedFileName(int64_t first, int64_t last);
// Parses RotatedFileName's output (a name without directory). False for
// any other name.
bool ParseRotatedFileName(const std::string& name, int64_t* first, int64_t* last);
// The audit files of `dir` in seq order: the rotated ones by first seq, then
// audit.jsonl when present. kIoError when `dir` cannot be listed; an absent
// directory has no files.
Result<std::vector<std::string>> ListAuditFiles(const std::string& dir);

}  // namespace weir::audit
