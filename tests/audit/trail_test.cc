#include "audit/trail.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "audit/audit_log.h"
#include "common/temp_dir.h"
#include "store/store.h"

namespace weir::audit {
namespace {

using ::weir::testing::TempDir;

Record MakeRecord(int i) {
  Record record;
  record.time_us = 1796013262000000 + i;
  record.kind = "query";
  record.actor = i % 2 == 0 ? "alice" : "bob";
  record.source_identity = record.actor;
  record.role = i % 3 == 0 ? "analyst" : "sales";
  record.action = "query";
  record.decision = i % 4 == 0 ? "deny" : "allow";
  record.statement = "SELECT " + std::to_string(i);
  return record;
}

void ExecRaw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& line : lines) out << line << "\n";
}

// A SQLite store with 10 records (seq 1..10), exported to files of a few
// records each (rotation), then closed.
class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_path_ = dir_.path() + "/weir.db";
    audit_dir_ = dir_.path() + "/audit";
    auto store = store::OpenSqliteStore(db_path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    AuditLogOptions options;
    options.max_file_size = 1200;
    auto log = AuditLog::Open(store->get(), audit_dir_, options);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = 1; i <= 10; ++i) {
      ASSERT_TRUE((*store)->AppendAudit({MakeRecord(i)}).ok());
      ASSERT_TRUE((*log)->ExportCommitted().ok());
    }
  }

  VerifyReport Run() {
    auto store = store::OpenSqliteStoreReadOnly(db_path_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return {};
    auto report = Verify(**store, audit_dir_);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport{};
  }

  // The file holding `seq` and the line index within it.
  std::pair<std::string, size_t> Locate(int64_t seq) {
    auto files = ListAuditFiles(audit_dir_);
    EXPECT_TRUE(files.ok());
    for (const auto& file : *files) {
      std::vector<std::string> lines = ReadLines(file);
      for (size_t i = 0; i < lines.size(); ++i) {
        if (nlohmann::json::parse(lines[i])["seq"] == seq) return {file, i};
      }
    }
    ADD_FAILURE() << "seq " << seq << " is in no file";
    return {"", 0};
  }

  void EditFile(int64_t seq, const std::function<void(std::vector<std::string>&, size_t)>& edit) {
    auto [file, index] = Locate(seq);
    std::vector<std::string> lines = ReadLines(file);
    edit(lines, index);
    WriteLines(file, lines);
  }

  TempDir dir_;
  std::string db_path_;
  std::string audit_dir_;
};

TEST_F(VerifyTest, IntactTrailVerifies) {
  VerifyReport report = Run();
  EXPECT_FALSE(report.broken) << report.broken->where << ": " << report.broken->problem;
  EXPECT_EQ(report.records, 10);
  EXPECT_EQ(report.last_seq, 10);
  EXPECT_EQ(report.file_records, 10);
  EXPECT_GT(report.files.size(), 2u);  // rotated files are read too
  auto store = store::OpenSqliteStoreReadOnly(db_path_);
  auto last = (*store)->ReadAudit(9, 1);
  EXPECT_EQ(report.head, (*last)[0].hash);
}

TEST_F(VerifyTest, FilesLaggingTheStoreVerify) {
  {
    auto store = store::OpenSqliteStore(db_path_);
    ASSERT_TRUE((*store)->AppendAudit({MakeRecord(11)}).ok());
  }
  VerifyReport report = Run();
  EXPECT_FALSE(report.broken);
  EXPECT_EQ(report.records, 11);
  EXPECT_EQ(report.file_records, 10);
}

struct TableCase {
  std::string name;
  std::string sql;
  int64_t broken_seq;
};

TEST_F(VerifyTest, DetectsTamperingWithTheStore) {
  const std::vector<TableCase> cases = {
      {"edited", "UPDATE audit SET record = json_set(record, '$.decision', 'allow') WHERE seq = 4", 4},
      {"deleted", "DELETE FROM audit WHERE seq = 5", 6},
      {"reordered",
       "UPDATE audit SET seq = -3 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 7; "
       "UPDATE audit SET seq = 7 WHERE seq = -3",
       3},
      {"inserted",
       "INSERT INTO audit (seq, time_us, kind, actor, role, action, decision, record, hash) "
       "SELECT 100, time_us, kind, actor, role, action, decision, json_set(record, '$.seq', 100), hash FROM audit "
       "WHERE seq = 10",
       100},
      {"first deleted", "DELETE FROM audit WHERE seq = 1", 2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    // A fresh copy of the untouched store for each case.
    std::string backup = dir_.path() + "/backup.db";
    std::filesystem::copy_file(db_path_, backup, std::filesystem::copy_options::overwrite_existing);
    ExecRaw(db_path_, c.sql);
    VerifyReport report = Run();
    ASSERT_TRUE(report.broken);
    EXPECT_EQ(report.broken->seq, c.broken_seq) << report.broken->problem;
    EXPECT_EQ(report.broken->where, "store");
    std::filesystem::copy_file(backup, db_path_, std::filesystem::copy_options::overwrite_existing);
  }
}

TEST_F(VerifyTest, DetectsAnEditedRecordInTheFiles) {
  EditFile(4, [](std::vector<std::string>& lines, size_t i) {
    nlohmann::json json = nlohmann::json::parse(lines[i]);
    json["decision"] = "allow";
    lines[i] = json.dump();
  });
  VerifyReport report = Run();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->seq, 4);
  EXPECT_NE(report.broken->where.find("line"), std::string::npos);
}

TEST_F(VerifyTest, DetectsAnEditedTimeTextInTheFiles) {
  EditFile(4, [](std::vector<std::string>& lines, size_t i) {
    nlohmann::json json = nlohmann::json::parse(lines[i]);
    json["time"] = "2001-01-01T00:00:00.000000Z";
    lines[i] = json.dump();
  });
  VerifyReport report = Run();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->seq, 4);
}

TEST_F(VerifyTest, DetectsADeletedLine) {
  EditFile(5, [](std::vector<std::string>& lines, size_t i) { lines.erase(lines.begin() + i); });
  VerifyReport report = Run();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->seq, 6);
}

TEST_F(VerifyTest, DetectsReorderedLines) {
  // Two neighbouring records of one file swapped.
  int64_t seq = 10;
  while (seq > 1 && Locate(seq).second == 0) --seq;
  ASSERT_GT(seq, 1);
  auto [file, index] = Locate(seq);
  std::vector<std::string> lines = ReadLines(file);
  std::swap(lines[index], lines[index - 1]);
  WriteLines(file, lines);
  VerifyReport report = Run();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->seq, seq);
}

TEST_F(VerifyTest, DetectsAnInsertedLine) {
  EditFile(3, [](std::vector<std::string>& lines, size_t i) { lines.insert(lines.begin() + i, lines[i]); });
  VerifyReport report = Run();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->seq, 3);
}

TEST_F(VerifyTest, DetectsARemovedRotatedFile) {
  auto files = ListAuditFiles(audit_dir_);
  ASSERT_TRUE(files.ok());
  std::filesystem::remove((*files)[0]);
  VerifyReport report = Run();
  ASSERT_TRUE(report.broken);
  EXPECT_NE(report.broken->problem.find("genesis"), std::string::npos);
}

TEST_F(VerifyTest, DetectsRecordsDeletedAtTheStoreTail) {
  ExecRaw(db_path_, "DELETE FROM audit WHERE seq >= 9");
  VerifyReport report = Run();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->seq, 9);
  EXPECT_NE(report.broken->problem.find("missing from the store"), std::string::npos);
}

TEST(AuditQuery, MatchesEveryField) {
  Record r = MakeRecord(2);  // alice, sales, allow
  EXPECT_TRUE(Matches({}, r));
  EXPECT_TRUE(Matches({.user = "alice"}, r));
  EXPECT_FALSE(Matches({.user = "bob"}, r));
  EXPECT_TRUE(Matches({.role = "sales"}, r));
  EXPECT_FALSE(Matches({.role = "analyst"}, r));
  EXPECT_TRUE(Matches({.action = "query"}, r));
  EXPECT_FALSE(Matches({.action = "grant"}, r));
  EXPECT_TRUE(Matches({.decision = "allow"}, r));
  EXPECT_FALSE(Matches({.decision = "deny"}, r));
  EXPECT_TRUE(Matches({.since_us = r.time_us}, r));
  EXPECT_FALSE(Matches({.since_us = r.time_us + 1}, r));
  EXPECT_TRUE(Matches({.until_us = r.time_us + 1}, r));
  EXPECT_FALSE(Matches({.until_us = r.time_us}, r));
  Record other = r;
  other.actor = "cluster";
  EXPECT_TRUE(Matches({.user = "alice"}, other));  // the source identity
}

TEST(AuditQuery, ParsesTimeBounds) {
  const int64_t now = 1796013262000000;  // 2026-11-30T04:34:22Z
  struct Case {
    std::string text;
    int64_t want;
  };
  const std::vector<Case> cases = {
      {"2026-11-30T04:34:22Z", now},
      {"2026-11-30t04:34:22.5z", now + 500000},
      {"2026-11-30 05:34:22+01:00", now},
      {"2026-11-30T02:04:22.000001-02:30", now + 1},
      {"2026-11-30", now - (4 * 3600 + 34 * 60 + 22) * int64_t{1000000}},
      {"1969-12-31T23:59:59Z", -1000000},
      {"30s", now - 30 * int64_t{1000000}},
      {"15m", now - 15 * 60 * int64_t{1000000}},
      {"2h", now - 2 * 3600 * int64_t{1000000}},
      {"7d", now - 7 * 86400 * int64_t{1000000}},
  };
  for (const auto& c : cases) {
    auto parsed = ParseTimeBound(c.text, now);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, c.want) << c.text;
  }
  for (const char* bad : {"", "yesterday", "15", "m", "-5m", "2026-11-30T04:34:22", "2026-13-01",
                          "2026-11-30T25:00:00Z", "2026-11-30T04:34:22Zjunk", "1.5h", "15 m"}) {
    auto parsed = ParseTimeBound(bad, now);
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace weir::audit
