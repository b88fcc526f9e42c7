#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"

namespace weir::access {
class Snapshot;
}
namespace weir::audit {
class AuditLog;
}
namespace weir::store {
class Store;
}

namespace weir::admin {

struct DataDirOptions {
  // Rotate D/audit/audit.jsonl beyond this many bytes; 0: the audit log's
  // default (audit::AuditLogOptions).
  int64_t audit_max_file_size = 0;
};

// A Weir data directory D:
//   D/weir.db    metadata store (SQLite)
//   D/lake/      lake root: table locations are relative to it
//   D/audit/     audit stream, JSON lines
//   D/tmp/       DuckDB spill space, one subdirectory per role instance
//   D/weir.lock  held (flock) by whichever process is acting on D
//
// A process that opens D holds the lock until it closes it, so an admin
// command and a server never act on one directory at once. Not copyable.
class DataDir {
 public:
  // Creates the layout and the store. kAlreadyExists when D is initialized.
  static Status Init(const std::string& path);

  // Opens an initialized D and takes its lock. kFailedPrecondition when D
  // is not initialized or another process holds it (the message names it).
  // kInvalidArgument for a negative audit_max_file_size.
  static Result<std::unique_ptr<DataDir>> Open(const std::string& path, const DataDirOptions& options = {});

  ~DataDir();
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;

  const std::string& path() const { return path_; }
  std::string lake_root() const { return path_ + "/lake"; }
  std::string temp_root() const { return path_ + "/tmp"; }
  store::Store& store() { return *store_; }
  audit::AuditLog& audit() { return *audit_; }

  // The current catalog-and-grants snapshot (thread-safe).
  std::shared_ptr<const access::Snapshot> snapshot() const;
  // Rebuilds the snapshot from the store after a change.
  Status Reload();

 private:
  DataDir() = default;

  std::string path_;
  int lock_fd_ = -1;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  mutable std::mutex mu_;
  std::shared_ptr<const access::Snapshot> snapshot_;
};

// $WEIR_DATA_DIR, else "./weir-data".
std::string DefaultDataDir();

// "local:<os user>": who a local administrator is in the audit log.
std::string LocalActor();

}  // namespace weir::admin
