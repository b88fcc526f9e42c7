#pragma once

// Session's private parts shared by its implementation files.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "duckdb.hpp"
#include "duckdb/parser/keyword_helper.hpp"
#include "engine/engine.h"
#include "session/session.h"
#include "session/sql_text.h"

namespace weir::session {

// --- tokens ---------------------------------------------------------------------

inline bool IsWord(const Token& t, const char* word) { return t.kind == TokenKind::kWord && t.text == word; }
inline bool IsSymbol(const Token& t, const char* symbol) { return t.kind == TokenKind::kSymbol && t.text == symbol; }
// A name in a statement: a word, a "quoted identifier" or a 'string'.
inline bool IsName(const Token& t) {
  return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdentifier || t.kind == TokenKind::kString;
}

// "name" with embedded quotes doubled, for SQL Weir builds from names.
inline std::string QuoteIdentifier(const std::string& name) { return duckdb::KeywordHelper::WriteQuoted(name, '"'); }

// The first words of the statements the session answers itself, without
// DuckDB's parser (SHOW DATABASES/TABLES excepted: RunSessionStatement
// hands those on). COPY is the session's too, on its own path.
inline bool IsSessionVerb(const std::string& word) {
  static const char* kVerbs[] = {"begin",     "start",   "commit",   "end",   "rollback",   "abort",
                                 "savepoint", "release", "set",      "reset", "show",       "discard",
                                 "declare",   "fetch",   "move",     "close", "deallocate", "prepare",
                                 "execute",   "listen",  "unlisten", "notify"};
  for (const char* verb : kVerbs) {
    if (word == verb) return true;
  }
  return false;
}

// --- results ----------------------------------------------------------------------

// A small materialized result of VARCHAR columns (what Weir answers itself).
class TextRows : public ResultSet {
 public:
  TextRows(std::vector<std::string> names, std::vector<std::vector<std::string>> rows)
      : names_(std::move(names)), types_(names_.size(), duckdb::LogicalType::VARCHAR), rows_(std::move(rows)) {}

  const std::vector<std::string>& names() const override { return names_; }
  const std::vector<duckdb::LogicalType>& types() const override { return types_; }
  Result<std::unique_ptr<duckdb::DataChunk>> Next() override {
    if (next_ >= rows_.size()) return std::unique_ptr<duckdb::DataChunk>();
    auto chunk = std::make_unique<duckdb::DataChunk>();
    chunk->Initialize(duckdb::Allocator::DefaultAllocator(),
                      duckdb::vector<duckdb::LogicalType>(types_.begin(), types_.end()));
    size_t count = std::min<size_t>(rows_.size() - next_, STANDARD_VECTOR_SIZE);
    for (size_t r = 0; r < count; r++) {
      for (size_t c = 0; c < names_.size(); c++) chunk->SetValue(c, r, duckdb::Value(rows_[next_ + r][c]));
    }
    chunk->SetCardinality(count);
    next_ += count;
    return chunk;
  }

 private:
  std::vector<std::string> names_;
  std::vector<duckdb::LogicalType> types_;
  std::vector<std::vector<std::string>> rows_;
  size_t next_ = 0;
};

// An engine (or catalog mirror) stream.
class StreamRows : public ResultSet {
 public:
  explicit StreamRows(std::unique_ptr<engine::RowStream> stream) : stream_(std::move(stream)) {}
  const std::vector<std::string>& names() const override { return stream_->names(); }
  const std::vector<duckdb::LogicalType>& types() const override { return stream_->types(); }
  Result<std::unique_ptr<duckdb::DataChunk>> Next() override { return stream_->Next(); }

 private:
  std::unique_ptr<engine::RowStream> stream_;
};

inline StatementResult Tag(std::string tag) { return StatementResult(std::move(tag), nullptr); }

inline StatementResult Rows(std::string tag, std::vector<std::string> names,
                            std::vector<std::vector<std::string>> rows) {
  return StatementResult(std::move(tag), std::make_unique<TextRows>(std::move(names), std::move(rows)));
}

inline StatementResult Single(std::string tag, std::string name, std::string value) {
  return Rows(std::move(tag), {std::move(name)}, {{std::move(value)}});
}

// --- Cursors --------------------------------------------------------------------

// A cursor declared with DECLARE: its own engine connection (so other
// statements can run while it is open) and the rows not fetched yet.
struct Session::Cursor {
  std::unique_ptr<engine::Connection> connection;
  std::unique_ptr<engine::CatalogConnection> catalog;  // for a query over catalog relations
  bool created_in_block = false;                       // removed when that block rolls back, even WITH HOLD
  std::unique_ptr<ResultSet> rows;
  std::unique_ptr<duckdb::DataChunk> pending;  // fetched from `rows`, not yet returned
  size_t pending_offset = 0;
  bool with_hold = false;
  bool done = false;
  bool closed = false;  // CLOSEd (or dropped) while a FETCH result still reads it

  // Up to `limit` rows (0 = all remaining) as a chunk; nullptr at the end.
  Result<std::unique_ptr<duckdb::DataChunk>> Take(size_t limit) {
    if (closed) return Status(StatusCode::kInvalidCursor, "the cursor was closed while its rows were being read");
    while (!done && (!pending || pending_offset >= pending->size())) {
      WEIR_ASSIGN_OR_RETURN(pending, rows->Next());
      pending_offset = 0;
      if (!pending) done = true;
    }
    if (done) return std::unique_ptr<duckdb::DataChunk>();
    size_t available = pending->size() - pending_offset;
    size_t count = limit == 0 ? available : std::min(limit, available);
    if (pending_offset == 0 && count == pending->size()) {
      pending_offset = count;
      return std::move(pending);
    }
    auto out = std::make_unique<duckdb::DataChunk>();
    out->Initialize(duckdb::Allocator::DefaultAllocator(), pending->GetTypes());
    duckdb::SelectionVector selection(count);
    for (size_t i = 0; i < count; i++) selection.set_index(i, pending_offset + i);
    out->Slice(*pending, selection, count);
    out->Flatten();
    pending_offset += count;
    return out;
  }
};

// FETCH's rows: up to `limit` rows of a cursor (0 = all), pulled lazily.
class CursorRows : public ResultSet {
 public:
  CursorRows(std::function<Result<std::unique_ptr<duckdb::DataChunk>>(size_t)> take, std::vector<std::string> names,
             std::vector<duckdb::LogicalType> types, size_t limit)
      : take_(std::move(take)),
        names_(std::move(names)),
        types_(std::move(types)),
        remaining_(limit),
        all_(limit == 0) {}
  const std::vector<std::string>& names() const override { return names_; }
  const std::vector<duckdb::LogicalType>& types() const override { return types_; }
  Result<std::unique_ptr<duckdb::DataChunk>> Next() override {
    if (!all_ && remaining_ == 0) return std::unique_ptr<duckdb::DataChunk>();
    WEIR_ASSIGN_OR_RETURN(auto chunk, take_(all_ ? 0 : remaining_));
    if (chunk && !all_) remaining_ -= chunk->size();
    return chunk;
  }

 private:
  std::function<Result<std::unique_ptr<duckdb::DataChunk>>(size_t)> take_;
  std::vector<std::string> names_;
  std::vector<duckdb::LogicalType> types_;
  size_t remaining_;
  bool all_;
};

// What ROLLBACK restores, and the savepoints inside the block.
struct Session::BlockState {
  struct Saved {
    std::map<std::string, std::string> settings;
    std::string role;
    std::string database;
    std::vector<std::string> cursors;  // open at that point
  };
  Saved begin;
  std::vector<std::pair<std::string, Saved>> savepoints;
  std::map<std::string, std::string> local_restore;  // SET LOCAL: the value before
};

}  // namespace weir::session
