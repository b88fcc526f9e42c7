#include "audit/trail.h"

#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "store/store.h"

namespace weir::audit {

namespace {

// Records per ReadAudit() call.
constexpr size_t kReadBatch = 1000;

// Checks records one after another against the chain. Returns "" for a
// record that verifies, else what is wrong with it.
class ChainWalker {
 public:
  std::string Next(const Record& record) {
    if (count_ > 0 && record.seq <= last_seq_) {
      return "seq " + std::to_string(record.seq) + " does not follow seq " + std::to_string(last_seq_) +
             ": records were reordered or duplicated";
    }
    if (record.prev_hash != head_) {
      return count_ == 0 ? "prev_hash is not the genesis value: the records before it were deleted"
                         : "prev_hash is not the hash of the record before it (seq " + std::to_string(last_seq_) +
                               "): a record was deleted, inserted or moved";
    }
    if (ChainHash(record) != record.hash) return "hash does not match the record's content: the record was edited";
    head_ = record.hash;
    last_seq_ = record.seq;
    ++count_;
    return "";
  }

  int64_t count() const { return count_; }
  int64_t last_seq() const { return last_seq_; }
  const std::string& head() const { return head_; }

 private:
  std::string head_ = kGenesisHash;
  int64_t last_seq_ = 0;
  int64_t count_ = 0;
};

// The store's records in seq order, read in batches. Reaching the end is
// not final: beside a running server the store grows while the files are
// read, so the next call looks again for records committed since.
class StoreCursor {
 public:
  explicit StoreCursor(store::Store& store) : store_(store) {}

  // The next record, or nullptr when the store holds no more (yet).
  Result<const Record*> Next() {
    if (index_ == batch_.size()) {
      if (!batch_.empty()) after_ = batch_.back().seq;
      WEIR_ASSIGN_OR_RETURN(batch_, store_.ReadAudit(after_, kReadBatch));
      index_ = 0;
      if (batch_.empty()) return nullptr;
    }
    return &batch_[index_++];
  }

 private:
  store::Store& store_;
  std::vector<Record> batch_;
  size_t index_ = 0;
  int64_t after_ = 0;
};

// Checks the records of `files` as one chain, and each against the store's
// record of its seq. Returns the first break, or nullopt; `count` receives
// the number of records that verified. An unterminated last line of the
// last file is an export being written (a running server) and is skipped.
Result<std::optional<ChainBreak>> VerifyFiles(store::Store& store, const std::vector<std::string>& paths,
                                              int64_t* count) {
  ChainWalker files;
  StoreCursor cursor(store);
  const Record* stored = nullptr;
  *count = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::IoError("cannot read " + path);
    const std::string name = std::filesystem::path(path).filename().string();
    std::string line;
    int64_t number = 0;
    while (std::getline(in, line)) {
      if (in.eof() && i + 1 == paths.size()) break;
      ++number;
      const std::string where = name + " line " + std::to_string(number);
      nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      Record record;
      if (!FromJson(json, &record))
        return std::optional<ChainBreak>(ChainBreak{files.last_seq() + 1, where, "the line is not an audit record"});
      // Fields the record does not carry (or a "time" that is not its
      // time_us) would escape the hash: the line must be the record's form.
      if (json != ToJson(record)) {
        return std::optional<ChainBreak>(
            ChainBreak{record.seq, where, "the line differs from the record it holds: it was edited"});
      }
      std::string problem = files.Next(record);
      if (!problem.empty()) return std::optional<ChainBreak>(ChainBreak{record.seq, where, problem});
      while (stored == nullptr || stored->seq < record.seq) {
        WEIR_ASSIGN_OR_RETURN(stored, cursor.Next());
        if (stored == nullptr) break;
      }
      if (stored == nullptr || stored->seq != record.seq) {
        return std::optional<ChainBreak>(
            ChainBreak{record.seq, where, "the record is missing from the store: it was deleted there"});
      }
      if (stored->hash != record.hash) {
        return std::optional<ChainBreak>(
            ChainBreak{record.seq, where, "the record differs from the store's record of that seq"});
      }
      *count = files.count();
    }
    if (in.bad()) return Status::IoError("cannot read " + path);
  }
  return std::optional<ChainBreak>();
}

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  // Howard Hinnant's algorithm: days since 1970-01-01 of a proleptic
  // Gregorian date, without the time zone tables timegm would consult.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Reads exactly `n` digits at `*pos`.
bool Digits(const std::string& text, size_t* pos, size_t n, int64_t* out) {
  if (*pos + n > text.size()) return false;
  int64_t value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += n;
  *out = value;
  return true;
}

std::optional<int64_t> ParseRfc3339(const std::string& text) {
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
  if (!Digits(text, &pos, 4, &year) || pos >= text.size() || text[pos++] != '-' || !Digits(text, &pos, 2, &month) ||
      pos >= text.size() || text[pos++] != '-' || !Digits(text, &pos, 2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    ++pos;
    if (!Digits(text, &pos, 2, &hour) || pos >= text.size() || text[pos++] != ':' || !Digits(text, &pos, 2, &minute) ||
        pos >= text.size() || text[pos++] != ':' || !Digits(text, &pos, 2, &second)) {
      return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int64_t scale = 100000;
      size_t start = pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        micros += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
    // RFC 3339 requires the offset.
    if (pos >= text.size()) return std::nullopt;
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      int64_t oh = 0, om = 0;
      if (!Digits(text, &pos, 2, &oh) || pos >= text.size() || text[pos++] != ':' || !Digits(text, &pos, 2, &om) ||
          oh > 23 || om > 59) {
        return std::nullopt;
      }
      offset_seconds = sign * (oh * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
  }
  int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * 1'000'000 + micros;
}

}  // namespace

Result<VerifyReport> Verify(store::Store& store, const std::string& dir) {
  VerifyReport report;
  ChainWalker table;
  {
    StoreCursor cursor(store);
    while (true) {
      WEIR_ASSIGN_OR_RETURN(const Record* record, cursor.Next());
      if (record == nullptr) break;
      std::string problem = table.Next(*record);
      if (!problem.empty()) {
        report.broken = ChainBreak{record->seq, "store", problem};
        break;
      }
    }
  }
  report.records = table.count();
  report.last_seq = table.last_seq();
  report.head = table.head();
  if (report.broken) return report;

  // A running server may rotate the file or append to it while this reads:
  // a changed file list means the pass raced a rotation, so try again.
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    WEIR_ASSIGN_OR_RETURN(report.files, ListAuditFiles(dir));
    Result<std::optional<ChainBreak>> broken = VerifyFiles(store, report.files, &report.file_records);
    if (broken.ok() && !broken->has_value()) return report;
    WEIR_ASSIGN_OR_RETURN(std::vector<std::string> now, ListAuditFiles(dir));
    if (now == report.files || attempt == kAttempts) {
      if (!broken.ok()) return broken.status();
      report.broken = **broken;
      return report;
    }
  }
}

bool Matches(const Query& query, const Record& record) {
  if (!query.user.empty() && record.actor != query.user && record.source_identity != query.user) return false;
  if (!query.role.empty() && record.role != query.role) return false;
  if (!query.action.empty() && record.action != query.action) return false;
  if (!query.decision.empty() && record.decision != query.decision) return false;
  if (query.since_us && record.time_us < *query.since_us) return false;
  if (query.until_us && record.time_us >= *query.until_us) return false;
  return true;
}

Result<int64_t> ParseTimeBound(const std::string& text, int64_t now_us) {
  const Status invalid = Status::InvalidArgument(
      "invalid time '" + text +
      "': use RFC 3339 (2026-11-30T04:34:22Z, 2026-11-30T05:34:22+01:00, 2026-11-30) or a duration before now "
      "(30s, 15m, 2h, 7d)");
  if (text.empty()) return invalid;
  if (std::isdigit(static_cast<unsigned char>(text.back()))) {
    std::optional<int64_t> time = ParseRfc3339(text);
    if (!time) return invalid;
    return *time;
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default: {
      std::optional<int64_t> time = ParseRfc3339(text);
      if (!time) return invalid;
      return *time;
    }
  }
  std::string digits = text.substr(0, text.size() - 1);
  if (digits.empty() || digits.size() > 9) return invalid;
  int64_t count = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return invalid;
    count = count * 10 + (c - '0');
  }
  return now_us - count * unit * 1'000'000;
}

}  // namespace weir::audit
