#include "admin/data_dir.h"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <sys/file.h>

#include "access/snapshot.h"
#include "audit/audit_log.h"
#include "store/store.h"

namespace weir::admin {

namespace fs = std::filesystem;

namespace {

bool Initialized(const std::string& path) { return fs::exists(fs::path(path) / "weir.db"); }

}  // namespace

Status DataDir::Init(const std::string& path) {
  if (Initialized(path)) return Status::AlreadyExists("data directory " + path + " is already initialized");
  std::error_code ec;
  for (const char* sub : {"lake", "audit", "tmp"}) {
    fs::create_directories(fs::path(path) / sub, ec);
    if (ec) return Status::IoError("cannot create " + (fs::path(path) / sub).string() + ": " + ec.message());
  }
  fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace, ec);
  auto store = store::OpenSqliteStore((fs::path(path) / "weir.db").string());
  return store.status();
}

Result<std::unique_ptr<DataDir>> DataDir::Open(const std::string& path, const DataDirOptions& options) {
  if (options.audit_max_file_size < 0) {
    return Status::InvalidArgument("the audit file size limit must be positive, not " +
                                   std::to_string(options.audit_max_file_size));
  }
  if (!Initialized(path)) {
    return Status::FailedPrecondition("data directory " + path + " is not initialized (run: weir init --data-dir " +
                                      path + ")");
  }
  std::unique_ptr<DataDir> dir(new DataDir());
  std::error_code ec;
  dir->path_ = fs::canonical(path, ec).string();
  if (ec) return Status::IoError("cannot open " + path + ": " + ec.message());

  std::string lock_path = dir->path_ + "/weir.lock";
  dir->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (dir->lock_fd_ < 0) return Status::IoError("cannot open " + lock_path);
  if (::flock(dir->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    std::ifstream in(lock_path);
    std::string holder;
    std::getline(in, holder);
    return Status::FailedPrecondition("data directory " + dir->path_ + " is held by another Weir process" +
                                      (holder.empty() ? "" : " (" + holder + ")") +
                                      "; stop it, or send the change through its API");
  }
  std::string holder = "pid " + std::to_string(::getpid());
  if (::ftruncate(dir->lock_fd_, 0) == 0) {
    (void)!::write(dir->lock_fd_, holder.data(), holder.size());
  }

  WEIR_ASSIGN_OR_RETURN(dir->store_, store::OpenSqliteStore(dir->path_ + "/weir.db"));
  audit::AuditLogOptions audit_options;
  if (options.audit_max_file_size > 0) audit_options.max_file_size = options.audit_max_file_size;
  WEIR_ASSIGN_OR_RETURN(dir->audit_, audit::AuditLog::Open(dir->store_.get(), dir->path_ + "/audit", audit_options));
  WEIR_RETURN_IF_ERROR(dir->Reload());
  return dir;
}

DataDir::~DataDir() {
  audit_.reset();  // flushes queued query records
  store_.reset();
  if (lock_fd_ >= 0) {
    if (::ftruncate(lock_fd_, 0) != 0) {
      // Best effort: a stale holder line is only informational.
    }
    ::close(lock_fd_);
  }
}

std::shared_ptr<const access::Snapshot> DataDir::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

Status DataDir::Reload() {
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, store_->Load());
  auto snapshot = std::make_shared<const access::Snapshot>(state);
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = std::move(snapshot);
  return Status::Ok();
}

std::string DefaultDataDir() {
  const char* env = std::getenv("WEIR_DATA_DIR");
  return env != nullptr && *env != '\0' ? env : "./weir-data";
}

std::string LocalActor() {
  const struct passwd* pw = ::getpwuid(::geteuid());
  return std::string("local:") + (pw != nullptr ? pw->pw_name : std::to_string(::geteuid()));
}

}  // namespace weir::admin
