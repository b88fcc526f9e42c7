#include "audit/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <string_view>
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

// Position of the first '\n' in [0, end), or -1 when there is none.
Result<off_t> FirstNewline(int fd, off_t end, const std::string& path) {
  std::string chunk;
  for (off_t start = 0; start < end; start += kScanChunk) {
    size_t size = static_cast<size_t>(std::min<off_t>(kScanChunk, end - start));
    WEIR_RETURN_IF_ERROR(ReadAt(fd, start, size, &chunk, path));
    size_t pos = chunk.find('\n');
    if (pos != std::string::npos) return start + static_cast<off_t>(pos);
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

std::string RotatedFileName(int64_t first, int64_t last) {
  char name[80];
  std::snprintf(name, sizeof(name), "audit-%09lld-%09lld.jsonl", static_cast<long long>(first),
                static_cast<long long>(last));
  return name;
}

bool ParseRotatedFileName(const std::string& name, int64_t* first, int64_t* last) {
  static constexpr std::string_view kPrefix = "audit-";
  static constexpr std::string_view kSuffix = ".jsonl";
  if (name.size() <= kPrefix.size() + kSuffix.size() || name.compare(0, kPrefix.size(), kPrefix) != 0 ||
      name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return false;
  }
  std::string_view middle(name);
  middle = middle.substr(kPrefix.size(), middle.size() - kPrefix.size() - kSuffix.size());
  size_t dash = middle.find('-');
  if (dash == std::string_view::npos) return false;
  auto parse = [](std::string_view digits, int64_t* out) {
    if (digits.size() < 9 || digits.size() > 18) return false;
    int64_t value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    *out = value;
    return true;
  };
  int64_t a = 0;
  int64_t b = 0;
  if (!parse(middle.substr(0, dash), &a) || !parse(middle.substr(dash + 1), &b) || a <= 0 || b < a) return false;
  *first = a;
  *last = b;
  return true;
}

Result<std::vector<std::string>> ListAuditFiles(const std::string& dir) {
  std::vector<std::pair<int64_t, std::string>> rotated;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return std::vector<std::string>{};
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
  bool current = false;
  for (const auto& entry : it) {
    std::string name = entry.path().filename().string();
    int64_t first = 0;
    int64_t last = 0;
    if (name == "audit.jsonl") current = true;
    if (ParseRotatedFileName(name, &first, &last)) rotated.emplace_back(first, entry.path().string());
  }
  std::sort(rotated.begin(), rotated.end());
  std::vector<std::string> files;
  for (auto& [first, path] : rotated) files.push_back(std::move(path));
  if (current) files.push_back(dir + "/audit.jsonl");
  return files;
}

AuditLog::AuditLog(store::Store* store, std::string dir, AuditLogOptions options)
    : store_(store),
      dir_(std::move(dir)),
      path_(dir_ + "/audit.jsonl"),
      window_(options.window),
      max_file_size_(options.max_file_size) {}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(store::Store* store, std::string dir, AuditLogOptions options) {
  if (store == nullptr) return Status::InvalidArgument("audit log needs a store");
  if (dir.empty()) return Status::InvalidArgument("audit log needs a directory");
  if (options.max_file_size <= 0) {
    return Status::InvalidArgument("audit file size limit must be positive, not " +
                                   std::to_string(options.max_file_size));
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create audit directory " + dir + ": " + ec.message());

  std::unique_ptr<AuditLog> log(new AuditLog(store, std::move(dir), options));
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
  file_first_seq_ = 0;
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
  if (keep != size) {
    // A file written before the hash chain existed has no line FromJson()
    // accepts: it is rewritten whole from the table, which the chain
    // migration has chained.
    std::fprintf(stderr,
                 "weir: audit: dropping %lld bytes of unreadable records (torn by a crash, or written before the hash "
                 "chain) at the end of %s; exporting them again from the store\n",
                 static_cast<long long>(size - keep), path_.c_str());
    if (::ftruncate(fd_, keep) != 0) return ErrnoError("truncate " + path_, errno);
    if (::fsync(fd_) != 0) return ErrnoError("fsync " + path_, errno);
  }
  if (keep > 0) {
    // The first line is whole: only the tail can be torn.
    WEIR_ASSIGN_OR_RETURN(off_t first_newline, FirstNewline(fd_, keep, path_));
    std::string line;
    WEIR_RETURN_IF_ERROR(ReadAt(fd_, 0, static_cast<size_t>(first_newline), &line, path_));
    Record first;
    if (!FromJson(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false), &first)) {
      return Status::IoError("audit file " + path_ + " starts with a line that is not a record; move it aside");
    }
    file_first_seq_ = first.seq;
    return Status::Ok();
  }
  // An empty file: rotation may have just renamed the previous one (a crash
  // before anything was exported to the new file); continue after it.
  WEIR_ASSIGN_OR_RETURN(std::vector<std::string> files, ListAuditFiles(dir_));
  for (const auto& file : files) {
    int64_t first = 0;
    int64_t last = 0;
    if (ParseRotatedFileName(std::filesystem::path(file).filename().string(), &first, &last)) {
      exported_seq_ = std::max(exported_seq_, last);
    }
  }
  return Status::Ok();
}

Status AuditLog::ExportLocked() {
  if (fd_ < 0) {
    // A rotation renamed the file but could not start the next one: retry.
    fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) return ErrnoError("open " + path_, errno);
    WEIR_RETURN_IF_ERROR(SyncDirectory(dir_));
  }
  while (true) {
    WEIR_ASSIGN_OR_RETURN(std::vector<store::Store::AuditLine> records,
                          store_->ReadAuditLines(exported_seq_, kExportBatch));
    if (records.empty()) return Status::Ok();
    std::string lines;
    for (const auto& record : records) {
      lines += record.text;
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
    if (file_first_seq_ == 0) file_first_seq_ = records.front().seq;
    exported_seq_ = records.back().seq;
    if (st.st_size + static_cast<off_t>(lines.size()) > max_file_size_) WEIR_RETURN_IF_ERROR(RotateLocked());
    if (records.size() < kExportBatch) return Status::Ok();
  }
}

Status AuditLog::RotateLocked() {
  std::string rotated = dir_ + "/" + RotatedFileName(file_first_seq_, exported_seq_);
  // The file's records were fsync'd by the export; the rename makes them the
  // rotated file atomically.
  if (::rename(path_.c_str(), rotated.c_str()) != 0) return ErrnoError("rename " + path_ + " to " + rotated, errno);
  ::close(fd_);
  fd_ = -1;
  file_first_seq_ = 0;
  WEIR_RETURN_IF_ERROR(SyncDirectory(dir_));
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) return ErrnoError("open " + path_, errno);
  return SyncDirectory(dir_);
}

void AuditLog::ReportLocked(const Status& status) {
  if (status.code() == last_error_.code() && status.message() == last_error_.message()) return;
  last_error_ = status;
  std::fprintf(stderr, "weir: audit: %s: %s\n", path_.c_str(), status.ToString().c_str());
}

}  // namespace weir::audit
