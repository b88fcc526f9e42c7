#include "server/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace weir::server {

namespace {

std::mutex mu;
std::FILE* sink = nullptr;  // null: stderr

}  // namespace

Status SetLogFile(const std::string& path) {
  std::FILE* file = nullptr;
  if (!path.empty()) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0 || (file = ::fdopen(fd, "a")) == nullptr) {
      if (fd >= 0) ::close(fd);
      return Status::IoError("cannot open the log file " + path);
    }
  }
  std::lock_guard<std::mutex> lock(mu);
  if (sink != nullptr) std::fclose(sink);
  sink = file;
  return Status::Ok();
}

void Log(const char* level, const char* event, nlohmann::json fields) {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc;
  gmtime_r(&seconds, &utc);
  char stamp[40];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  nlohmann::json line = {{"ts", stamp}, {"level", level}, {"event", event}};
  if (fields.is_object()) line.update(fields);
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mu);
  std::FILE* out = sink != nullptr ? sink : stderr;
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}

}  // namespace weir::server
