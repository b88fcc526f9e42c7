#include "audit/audit_log.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/temp_dir.h"
#include "store/store.h"

namespace weir::audit {
namespace {

using ::weir::testing::TempDir;

Record QueryRecord(const std::string& statement) {
  Record record;
  record.kind = "query";
  record.actor = "alice";
  record.source_identity = "alice";
  record.role = "analyst";
  record.action = "query";
  record.decision = "allow";
  record.statement = statement;
  record.tables = {"sales.orders"};
  record.columns = {"sales.orders.id"};
  record.rows = 3;
  record.duration_us = 10;
  return record;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void AppendToFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
}

// The records in the jsonl file; fails the test on a line that does not parse.
std::vector<Record> ReadLines(const std::string& path) {
  std::vector<Record> records;
  std::string text = ReadFile(path);
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "file ends with a torn line";
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    Record record;
    nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(FromJson(json, &record)) << "bad line: " << line;
    records.push_back(record);
  }
  return records;
}

std::vector<Record> ReadStore(store::Store* store) {
  auto records = store->ReadAudit(0, 1'000'000);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  return records.ok() ? std::move(records).value() : std::vector<Record>{};
}

std::unique_ptr<AuditLog> OpenLog(store::Store* store, const std::string& dir,
                                  std::chrono::milliseconds window = AuditLog::kDefaultWindow) {
  auto log = AuditLog::Open(store, dir, window);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(log).value() : nullptr;
}

std::vector<int64_t> Seqs(const std::vector<Record>& records) {
  std::vector<int64_t> seqs;
  for (const auto& record : records) seqs.push_back(record.seq);
  return seqs;
}

TEST(AuditLog, FlushMakesQueuedRecordsDurableAndExported) {
  TempDir dir;
  auto store = store::NewMemoryStore();
  // A window far beyond the test's run time: only Flush() can commit.
  auto log = OpenLog(store.get(), dir.path() + "/audit", std::chrono::hours(1));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->path(), dir.path() + "/audit/audit.jsonl");

  log->RecordQuery(QueryRecord("SELECT 1"));
  Record timed = QueryRecord("SELECT 2");
  timed.time_us = 1796013262123456;
  log->RecordQuery(timed);
  ASSERT_TRUE(log->Flush().ok());

  std::vector<Record> stored = ReadStore(store.get());
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].statement, "SELECT 1");
  EXPECT_GT(stored[0].time_us, 0);  // set when zero
  EXPECT_EQ(stored[1].statement, "SELECT 2");
  EXPECT_EQ(stored[1].time_us, 1796013262123456);

  std::vector<Record> lines = ReadLines(log->path());
  EXPECT_EQ(Seqs(lines), Seqs(stored));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].statement, "SELECT 2");
  EXPECT_EQ(lines[1].tables, std::vector<std::string>{"sales.orders"});
}

TEST(AuditLog, BackgroundThreadCommitsWithoutFlush) {
  TempDir dir;
  auto store = store::NewMemoryStore();
  auto log = OpenLog(store.get(), dir.path(), std::chrono::milliseconds(10));
  ASSERT_NE(log, nullptr);
  log->RecordQuery(QueryRecord("SELECT 1"));
  // Not a timing assertion: wait as long as it takes, up to a generous bound.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ReadLines(log->path()).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(ReadStore(store.get()).size(), 1u);
  EXPECT_EQ(ReadLines(log->path()).size(), 1u);
}

TEST(AuditLog, DestructorFlushesPendingRecords) {
  TempDir dir;
  auto store = store::NewMemoryStore();
  std::string path;
  {
    auto log = OpenLog(store.get(), dir.path(), std::chrono::hours(1));
    ASSERT_NE(log, nullptr);
    path = log->path();
    log->RecordQuery(QueryRecord("SELECT 1"));
  }
  EXPECT_EQ(ReadStore(store.get()).size(), 1u);
  EXPECT_EQ(ReadLines(path).size(), 1u);
}

TEST(AuditLog, ExportCommittedWritesAdminRecords) {
  TempDir dir;
  auto store = store::NewMemoryStore();
  auto log = OpenLog(store.get(), dir.path());
  ASSERT_NE(log, nullptr);

  auto txn = store->Begin();
  ASSERT_TRUE(txn.ok());
  Record admin;
  admin.time_us = 1;
  admin.kind = "admin";
  admin.actor = "local:root";
  admin.action = "create_role";
  admin.decision = "allow";
  admin.detail = {{"role", "analyst"}};
  ASSERT_TRUE((*txn)->CreateRole({"analyst", ""}).ok());
  ASSERT_TRUE((*txn)->AppendAudit(admin).ok());
  ASSERT_TRUE((*txn)->Commit().ok());

  ASSERT_TRUE(log->ExportCommitted().ok());
  std::vector<Record> lines = ReadLines(log->path());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].action, "create_role");
  EXPECT_EQ(lines[0].detail, admin.detail);
  // Exporting again adds nothing.
  ASSERT_TRUE(log->ExportCommitted().ok());
  EXPECT_EQ(ReadLines(log->path()).size(), 1u);
}

TEST(AuditLog, OpenExportsCommittedButUnexportedRecords) {
  TempDir dir;
  auto store = store::NewMemoryStore();
  std::string path;
  {
    auto log = OpenLog(store.get(), dir.path());
    ASSERT_NE(log, nullptr);
    path = log->path();
    log->RecordQuery(QueryRecord("exported before the crash"));
    ASSERT_TRUE(log->Flush().ok());
  }
  // As if the process died between the store commit and the export.
  ASSERT_TRUE(
      store->AppendAudit({QueryRecord("committed, not exported 1"), QueryRecord("committed, not exported 2")}).ok());
  ASSERT_EQ(ReadLines(path).size(), 1u);

  auto log = OpenLog(store.get(), dir.path());
  ASSERT_NE(log, nullptr);
  std::vector<Record> lines = ReadLines(path);
  EXPECT_EQ(Seqs(lines), Seqs(ReadStore(store.get())));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2].statement, "committed, not exported 2");
}

TEST(AuditLog, OpenRepairsTornFinalLine) {
  struct Case {
    std::string name;
    std::string tail;
  };
  const std::vector<Case> cases = {
      {"torn json", R"({"seq":2,"time":"2026-11-30T04:3)"},
      {"zero bytes", std::string(16, '\0')},
      {"complete line that is not a record", "not json at all\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    auto store = store::NewMemoryStore();
    std::string path;
    {
      auto log = OpenLog(store.get(), dir.path());
      ASSERT_NE(log, nullptr);
      path = log->path();
      log->RecordQuery(QueryRecord("SELECT 1"));
      ASSERT_TRUE(log->Flush().ok());
    }
    // The crash: record 2 committed, its line only partly written.
    ASSERT_TRUE(store->AppendAudit({QueryRecord("SELECT 2")}).ok());
    AppendToFile(path, c.tail);

    auto log = OpenLog(store.get(), dir.path());
    ASSERT_NE(log, nullptr);
    log->RecordQuery(QueryRecord("SELECT 3"));
    ASSERT_TRUE(log->Flush().ok());
    std::vector<Record> lines = ReadLines(path);
    EXPECT_EQ(Seqs(lines), Seqs(ReadStore(store.get())));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1].statement, "SELECT 2");
    EXPECT_EQ(ReadFile(path).find(c.tail), std::string::npos);
  }
}

TEST(AuditLog, OpenRepairsFileThatIsOnlyATornLine) {
  TempDir dir;
  auto store = store::NewMemoryStore();
  ASSERT_TRUE(store->AppendAudit({QueryRecord("SELECT 1")}).ok());
  AppendToFile(dir.path() + "/audit.jsonl", R"({"seq":1,"ti)");
  auto log = OpenLog(store.get(), dir.path());
  ASSERT_NE(log, nullptr);
  std::vector<Record> lines = ReadLines(log->path());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].statement, "SELECT 1");
}

TEST(AuditLog, RecordQueryFromSeveralThreadsLosesNothing) {
  constexpr int kThreads = 8;
  constexpr int kRecordsEach = 250;
  TempDir dir;
  TempDir db_dir;
  // The real store, so group commits really go through SQLite.
  auto store = store::OpenSqliteStore(db_dir.path() + "/meta.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto log = OpenLog(store->get(), dir.path(), std::chrono::milliseconds(5));
  ASSERT_NE(log, nullptr);

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < kRecordsEach; ++i) {
        log->RecordQuery(QueryRecord(std::to_string(t) + ":" + std::to_string(i)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(log->Flush().ok());

  std::vector<Record> stored = ReadStore(store->get());
  ASSERT_EQ(stored.size(), static_cast<size_t>(kThreads * kRecordsEach));
  std::vector<Record> lines = ReadLines(log->path());
  EXPECT_EQ(Seqs(lines), Seqs(stored));
  // Each thread's records keep their order, and none is missing.
  std::vector<int> next(kThreads, 0);
  for (const auto& record : stored) {
    int t = std::stoi(record.statement.substr(0, record.statement.find(':')));
    int i = std::stoi(record.statement.substr(record.statement.find(':') + 1));
    EXPECT_EQ(i, next[t]) << record.statement;
    next[t] = i + 1;
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kRecordsEach);
}

TEST(AuditLog, OpenFailsWhenDirectoryCannotBeCreated) {
  TempDir dir;
  AppendToFile(dir.path() + "/file", "x");
  auto store = store::NewMemoryStore();
  auto log = AuditLog::Open(store.get(), dir.path() + "/file/audit");
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), StatusCode::kIoError);
}

// All records of the audit directory, in file order.
std::vector<Record> ReadAllFiles(const std::string& dir) {
  auto files = ListAuditFiles(dir);
  EXPECT_TRUE(files.ok()) << files.status().ToString();
  std::vector<Record> records;
  for (const auto& file : files.ok() ? *files : std::vector<std::string>{}) {
    std::vector<Record> lines = ReadLines(file);
    records.insert(records.end(), lines.begin(), lines.end());
  }
  return records;
}

TEST(AuditLog, RotatedFileNames) {
  EXPECT_EQ(RotatedFileName(1, 4211), "audit-000000001-000004211.jsonl");
  EXPECT_EQ(RotatedFileName(7, 1234567890123), "audit-000000007-1234567890123.jsonl");
  int64_t first = 0;
  int64_t last = 0;
  ASSERT_TRUE(ParseRotatedFileName("audit-000000001-000004211.jsonl", &first, &last));
  EXPECT_EQ(first, 1);
  EXPECT_EQ(last, 4211);
  for (const char* bad :
       {"audit.jsonl", "audit-1-2.jsonl", "audit-000000002-000000001.jsonl", "audit-000000000-000000001.jsonl",
        "audit-00000000a-000000001.jsonl", "audit-000000001-000000002.jsonl.tmp", "audit-000000001.jsonl"}) {
    EXPECT_FALSE(ParseRotatedFileName(bad, &first, &last)) << bad;
  }
}

TEST(AuditLog, RotatesBySizeAndLosesNothing) {
  TempDir dir;
  auto store = store::NewMemoryStore();
  AuditLogOptions options;
  options.max_file_size = 2000;  // a few records a file
  auto opened = AuditLog::Open(store.get(), dir.path(), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto log = std::move(opened).value();
  for (int i = 0; i < 40; ++i) {
    log->RecordQuery(QueryRecord("SELECT " + std::to_string(i)));
    ASSERT_TRUE(log->Flush().ok());
  }
  auto files = ListAuditFiles(dir.path());
  ASSERT_TRUE(files.ok());
  ASSERT_GT(files->size(), 3u);
  EXPECT_EQ(files->back(), log->path());
  // Each rotated file holds exactly the range its name says, and is just
  // over the limit (rotation happens after the export that crossed it).
  int64_t next = 1;
  for (size_t i = 0; i + 1 < files->size(); ++i) {
    int64_t first = 0;
    int64_t last = 0;
    ASSERT_TRUE(ParseRotatedFileName(std::filesystem::path((*files)[i]).filename().string(), &first, &last));
    EXPECT_EQ(first, next);
    std::vector<Record> lines = ReadLines((*files)[i]);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front().seq, first);
    EXPECT_EQ(lines.back().seq, last);
    EXPECT_GT(std::filesystem::file_size((*files)[i]), 2000u);
    next = last + 1;
  }
  EXPECT_EQ(Seqs(ReadAllFiles(dir.path())), Seqs(ReadStore(store.get())));
}

// A crash after the rename and before the new file: the next Open starts a
// new file after the rotated one, exporting nothing twice.
TEST(AuditLog, CrashBetweenRotationRenameAndNewFileLosesNothing) {
  TempDir dir;
  auto store = store::NewMemoryStore();
  {
    auto log = OpenLog(store.get(), dir.path());
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < 3; ++i) log->RecordQuery(QueryRecord("SELECT " + std::to_string(i)));
    ASSERT_TRUE(log->Flush().ok());
  }
  std::filesystem::rename(dir.path() + "/audit.jsonl", dir.path() + "/" + RotatedFileName(1, 3));
  ASSERT_TRUE(store->AppendAudit({QueryRecord("committed during the crash")}).ok());

  auto log = OpenLog(store.get(), dir.path());
  ASSERT_NE(log, nullptr);
  std::vector<Record> current = ReadLines(log->path());
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].seq, 4);
  EXPECT_EQ(Seqs(ReadAllFiles(dir.path())), Seqs(ReadStore(store.get())));
}

TEST(AuditLog, RefusesANonPositiveSizeLimit) {
  TempDir dir;
  auto store = store::NewMemoryStore();
  AuditLogOptions options;
  options.max_file_size = 0;
  EXPECT_EQ(AuditLog::Open(store.get(), dir.path(), options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace weir::audit
