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
// Thread-safe. The Store must outlive the AuditLog.
class AuditLog {
 public:
  static constexpr std::chrono::milliseconds kDefaultWindow{50};

  // Opens `dir` (creating it) and exports committed records missing from
  // the file. kIoError when the directory or file cannot be written.
  static Result<std::unique_ptr<AuditLog>> Open(store::Store* store, std::string dir,
                                                std::chrono::milliseconds window = kDefaultWindow);
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

  // Path of the JSON lines file.
  const std::string& path() const { return path_; }

 private:
  AuditLog(store::Store* store, std::string dir, std::chrono::milliseconds window);
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
  // Writes `status` to stderr unless it repeats the last error. mu_ held.
  void ReportLocked(const Status& status);

  store::Store* store_;
  std::string dir_;
  std::string path_;
  std::chrono::milliseconds window_;

  // Serializes commits, so records reach the store in queue order and a
  // Flush() knows every batch taken before it has landed. Taken before mu_
  // and export_mu_, never after.
  std::mutex commit_mu_;

  std::mutex mu_;  // guards the members down to export_mu_
  std::condition_variable wake_;
  std::vector<Record> pending_;
  bool stopping_ = false;
  Status last_error_;  // the last error reported on stderr

  std::mutex export_mu_;  // guards fd_ and exported_seq_
  int fd_ = -1;           // audit.jsonl, O_APPEND
  int64_t exported_seq_ = 0;

  std::thread thread_;
};

// Microseconds since the Unix epoch, now.
int64_t NowMicros();

}  // namespace weir::audit
