#include "audit/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <utility>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "store/store.h"

namespace weir::audit {

namespace {

// Records per ReadAudit() call while exporting.
constexpr size_t kExportBatch = 1000;
// The background thread commits early once this many records wait.
constexpr size_t kMaxBatch = 4096;
// Chunk size for scanning the file backwards at Open().
constexpr off_t kScanChunk = 64 * 1024;

Status ErrnoError(const std::string& what, int error) { return Status::IoError(what + ": " + std::strerror(error)); }

// Statements may hold bytes that are not UTF-8; replace them rather than
// let dump() throw.
std::string DumpJson(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status ReadAt(int fd, off_t offset, size_t size, std::string* out, const std::string& path) {
  out->resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out->data() + done, size - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read " + path, errno);
    if (n == 0) return Status::IoError("read " + path + ": file shrank while reading");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Position of the last '\n' in [0, end), or -1.
Result<off_t> LastNewlineBefore(int fd, off_t end, const std::string& path) {
  std::string chunk;
  while (end > 0) {
    off_t start = std::max<off_t>(0, end - kScanChunk);
    WEIR_RETURN_IF_ERROR(ReadAt(fd, start, static_cast<size_t>(end - start), &chunk, path));
    size_t pos = chunk.rfind('\n');
    if (pos != std::string::npos) return start + static_cast<off_t>(pos);
    end = start;
  }
  return static_cast<off_t>(-1);
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("write " + path, errno);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Makes a newly created file's directory entry durable.
Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + dir, errno);
  int rc = ::fsync(fd);
  int error = errno;
  ::close(fd);
  if (rc != 0) return ErrnoError("fsync " + dir, error);
  return Status::Ok();
}

}  // namespace

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

AuditLog::AuditLog(store::Store* store, std::string dir, std::chrono::milliseconds window)
    : store_(store), dir_(std::move(dir)), path_(dir_ + "/audit.jsonl"), window_(window) {}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(store::Store* store, std::string dir,
                                                 std::chrono::milliseconds window) {
  if (store == nullptr) return Status::InvalidArgument("audit log needs a store");
  if (dir.empty()) return Status::InvalidArgument("audit log needs a directory");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create audit directory " + dir + ": " + ec.message());

  std::unique_ptr<AuditLog> log(new AuditLog(store, std::move(dir), window));
  {
    std::lock_guard lock(log->export_mu_);
    log->fd_ = ::open(log->path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (log->fd_ < 0) return ErrnoError("open " + log->path_, errno);
    WEIR_RETURN_IF_ERROR(SyncDirectory(log->dir_));
    WEIR_RETURN_IF_ERROR(log->RecoverLocked());
    // Catch up on whatever a crash left committed but unexported.
    WEIR_RETURN_IF_ERROR(log->ExportLocked());
  }
  log->thread_ = std::thread([raw = log.get()] { raw->Run(); });
  return log;
}

AuditLog::~AuditLog() {
  // Only a fully opened log has a thread and something to flush.
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    Status status = Flush();
    if (!status.ok()) {
      std::fprintf(stderr, "weir: audit: flushing %s at shutdown: %s\n", path_.c_str(), status.ToString().c_str());
    }
  }
  if (fd_ >= 0) ::close(fd_);
}

void AuditLog::RecordQuery(Record record) {
  if (record.time_us == 0) record.time_us = NowMicros();
  if (record.kind.empty()) record.kind = "query";
  bool wake;
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(record));
    // The thread waits for the first record of a batch, or for a full batch.
    wake = pending_.size() == 1 || pending_.size() == kMaxBatch;
  }
  if (wake) wake_.notify_one();
}

Status AuditLog::Flush() {
  WEIR_RETURN_IF_ERROR(CommitPending());
  return ExportCommitted();
}

Status AuditLog::ExportCommitted() {
  std::lock_guard lock(export_mu_);
  return ExportLocked();
}

void AuditLog::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    // The destructor flushes what is left.
    if (stopping_) break;
    // Group commit: records arriving within half the window join this
    // commit; the other half is left for the commit's fsync, so a record is
    // durable about `window` after RecordQuery() at the latest.
    wake_.wait_for(lock, window_ / 2, [this] { return stopping_ || pending_.size() >= kMaxBatch; });
    lock.unlock();
    Status status = CommitPending();
    if (status.ok()) status = ExportCommitted();
    lock.lock();
    if (status.ok()) {
      last_error_ = Status::Ok();
    } else {
      ReportLocked(status);
      // Back off for a window before retrying a failing store or file.
      wake_.wait_for(lock, window_, [this] { return stopping_; });
    }
  }
}

Status AuditLog::CommitPending() {
  std::lock_guard commit_lock(commit_mu_);
  std::vector<Record> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return Status::Ok();
  return CommitBatch(std::move(batch));
}

Status AuditLog::CommitBatch(std::vector<Record> batch) {
  Status status = store_->AppendAudit(batch);
  if (!status.ok()) {
    // Keep the records, ahead of anything queued since, for the next try.
    // Known limitation: while the store keeps failing the queue grows
    // without bound.
    std::lock_guard lock(mu_);
    pending_.insert(pending_.begin(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
  }
  return status;
}

Status AuditLog::RecoverLocked() {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return ErrnoError("stat " + path_, errno);
  const off_t size = st.st_size;
  // Walk back from the end to the last line that is a whole record. Bytes
  // after it are a write torn by a crash (or damage); the store still holds
  // those records, so dropping them and exporting again loses nothing.
  off_t keep = size;
  off_t end = size;
  exported_seq_ = 0;
  while (true) {
    WEIR_ASSIGN_OR_RETURN(off_t newline, LastNewlineBefore(fd_, end, path_));
    if (newline < 0) {
      keep = 0;
      break;
    }
    WEIR_ASSIGN_OR_RETURN(off_t previous, LastNewlineBefore(fd_, newline, path_));
    off_t start = previous + 1;
    std::string line;
    WEIR_RETURN_IF_ERROR(ReadAt(fd_, start, static_cast<size_t>(newline - start), &line, path_));
    nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    Record record;
    if (FromJson(json, &record)) {
      exported_seq_ = record.seq;
      keep = newline + 1;
      break;
    }
    end = start;
  }
  if (keep == size) return Status::Ok();
  std::fprintf(stderr, "weir: audit: dropping %lld bytes of incomplete records at the end of %s\n",
               static_cast<long long>(size - keep), path_.c_str());
  if (::ftruncate(fd_, keep) != 0) return ErrnoError("truncate " + path_, errno);
  if (::fsync(fd_) != 0) return ErrnoError("fsync " + path_, errno);
  return Status::Ok();
}

Status AuditLog::ExportLocked() {
  if (fd_ < 0) return Status::FailedPrecondition("audit log " + path_ + " is not open");
  while (true) {
    WEIR_ASSIGN_OR_RETURN(std::vector<Record> records, store_->ReadAudit(exported_seq_, kExportBatch));
    if (records.empty()) return Status::Ok();
    std::string lines;
    for (const auto& record : records) {
      lines += DumpJson(ToJson(record));
      lines += '\n';
    }
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoError("stat " + path_, errno);
    Status status = WriteAll(fd_, lines, path_);
    if (status.ok() && ::fsync(fd_) != 0) status = ErrnoError("fsync " + path_, errno);
    if (!status.ok()) {
      // Undo a partial append so the retry does not leave a broken line in
      // the middle of the file (best effort: Open() repairs the tail anyway).
      if (::ftruncate(fd_, st.st_size) != 0) {
        // Nothing more to do; the error below is what the caller sees.
      }
      return status;
    }
    exported_seq_ = records.back().seq;
    if (records.size() < kExportBatch) return Status::Ok();
  }
}

void AuditLog::ReportLocked(const Status& status) {
  if (status.code() == last_error_.code() && status.message() == last_error_.message()) return;
  last_error_ = status;
  std::fprintf(stderr, "weir: audit: %s: %s\n", path_.c_str(), status.ToString().c_str());
}

}  // namespace weir::audit
