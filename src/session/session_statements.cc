// The statements the session layer answers itself: settings (SET, SHOW,
// RESET), SET ROLE, transaction blocks, cursors and COPY TO STDOUT.

#include <algorithm>
#include <charconv>

#include "access/snapshot.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "session/session.h"
#include "session/session_internal.h"
#include "session/settings.h"
#include "session/sql_text.h"

namespace weir::session {

namespace {

// The value part of SET name TO value[, value ...]: words, strings and
// numbers joined as PostgreSQL's GUC code flattens them.
Result<std::string> SetValue(const std::vector<Token>& tokens, size_t from) {
  std::string value;
  bool expect_item = true;
  for (size_t i = from; i < tokens.size(); i++) {
    const Token& t = tokens[i];
    if (IsSymbol(t, ",")) {
      if (expect_item) return Status::SyntaxError("syntax error in SET value");
      value += ", ";
      expect_item = true;
      continue;
    }
    if (!expect_item) {
      // "+00:00" arrives as number, ':', number: written together they are
      // one value; apart ("1 000") they are two, as in PostgreSQL.
      const Token& before = tokens[i - 1];
      bool adjacent = t.offset == before.offset + before.text.size();
      bool continues = IsSymbol(t, ":") || IsSymbol(t, ".") ||
                       (t.kind == TokenKind::kNumber && (IsSymbol(before, ":") || IsSymbol(before, ".")));
      if (adjacent && continues) {
        value += t.text;
        continue;
      }
      return Status::SyntaxError("syntax error at or near \"" + t.text + "\"");
    }
    if (IsSymbol(t, "-") || IsSymbol(t, "+")) {
      value += t.text;
      continue;
    }
    if (t.kind == TokenKind::kSymbol) return Status::SyntaxError("syntax error at or near \"" + t.text + "\"");
    value += t.text;
    expect_item = false;
  }
  if (expect_item) return Status::SyntaxError("SET needs a value");
  return value;
}

}  // namespace

std::string Session::Setting(const std::string& name) const {
  std::string key = duckdb::StringUtil::Lower(name);
  if (key == "role") return identity_.role;
  if (key == "search_path") return current_database_;
  auto it = settings_.find(key);
  return it == settings_.end() ? "" : it->second;
}

std::vector<std::pair<std::string, std::string>> Session::ReportedSettings() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& def : SettingDefinitions()) {
    if (def.reported) out.emplace_back(def.display_name, Setting(def.key));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Session::TakeChangedReports() {
  std::vector<std::pair<std::string, std::string>> changed;
  if (!reported_.empty() && settings_ == reported_from_) return changed;  // asked after every statement
  reported_from_ = settings_;
  for (auto& [name, value] : ReportedSettings()) {
    auto it = reported_.find(name);
    if (it == reported_.end() || it->second != value) {
      changed.emplace_back(name, value);
      reported_[name] = value;
    }
  }
  return changed;
}

int64_t Session::statement_timeout_ms() const {
  // Stored canonical: whole milliseconds (CanonicalSettingValue).
  auto it = settings_.find("statement_timeout");
  if (it == settings_.end()) return 0;
  int64_t ms = 0;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), ms);
  return ms;
}

Status Session::ApplyStartupSetting(const std::string& name, const std::string& value) {
  std::string key = duckdb::StringUtil::Lower(name);
  if (key == "role") return SwitchRoleChecked(value);
  WEIR_RETURN_IF_ERROR(Set(key, value, false).status());
  if (key == "search_path" || key == "schema") {
    startup_database_ = current_database_;
  } else {
    startup_settings_[key] = Setting(key);
  }
  return Status::Ok();
}

std::string Session::ResetValue(const std::string& key) const {
  auto startup = startup_settings_.find(key);
  if (startup != startup_settings_.end()) return startup->second;
  const SettingDefinition* def = FindSetting(key);
  return def == nullptr ? "" : def->default_value;
}

std::string Session::ResetSearchPath() const {
  if (startup_database_.empty() || !context_.snapshot()->DatabaseVisible(identity_.role, startup_database_)) {
    return "";
  }
  return QuoteIdentifier(startup_database_);
}

void Session::ResetAll() {
  for (auto& [key, value] : settings_) {
    const SettingDefinition* def = FindSetting(key);
    if (def == nullptr || !def->read_only) value = ResetValue(key);
  }
  current_database_ = ResetSearchPath().empty() ? "" : startup_database_;
  if (block_) block_->local_restore.clear();  // nothing SET LOCAL did is left to undo at COMMIT
}

Status Session::ValidateSetting(const std::string& key, const std::string& value, std::string* canonical) {
  const SettingDefinition* def = FindSetting(key);
  if (def == nullptr) {
    // PostgreSQL accepts any two-part "extension.name" as a placeholder.
    if (key.find('.') != std::string::npos && key.front() != '.' && key.back() != '.') {
      *canonical = value;
      return Status::Ok();
    }
    return Status(StatusCode::kNotFound, "unrecognized configuration parameter \"" + key + "\"");
  }
  WEIR_ASSIGN_OR_RETURN(*canonical, CanonicalSettingValue(def->key, value));
  if (def->read_only && *canonical != Setting(def->key)) {
    return Status::PermissionDenied("parameter \"" + std::string(def->display_name) + "\" cannot be changed");
  }
  return Status::Ok();
}

Result<StatementResult> Session::Set(const std::string& name, const std::string& value, bool local) {
  std::string key = duckdb::StringUtil::Lower(name);
  if (key == "role") {
    WEIR_RETURN_IF_ERROR(SwitchRoleChecked(value));
    return Tag("SET");
  }
  if (key == "session_authorization") {
    return Status::PermissionDenied("SET SESSION AUTHORIZATION is not allowed: connect as the user instead");
  }
  if (!local && block_) block_->local_restore.erase(key == "schema" ? "search_path" : key);
  if (key == "search_path" || key == "schema") {
    // The first entry naming a lake database becomes the current database;
    // PostgreSQL's defaults ("$user", public, pg_catalog) name none.
    auto snapshot = context_.snapshot();
    std::string chosen;
    for (const auto& token : Tokenize(value)) {
      if (!IsName(token)) continue;
      if (token.text == "$user" || token.text == "public" || token.text == "pg_catalog" ||
          token.text == "information_schema" || token.text == "pg_temp") {
        continue;
      }
      if (!snapshot->DatabaseVisible(identity_.role, token.text)) {
        return Status::UndefinedDatabase("database " + token.text + " does not exist");
      }
      chosen = token.text;
      break;
    }
    if (local && !block_) return Tag("SET");  // PostgreSQL: no effect outside a block
    if (local && block_ && !block_->local_restore.count("search_path")) {
      block_->local_restore["search_path"] = current_database_;
    }
    current_database_ = chosen;
    return Tag("SET");
  }
  std::string canonical;
  WEIR_RETURN_IF_ERROR(ValidateSetting(key, value, &canonical));
  if (local) {
    if (!block_) return Tag("SET");  // PostgreSQL: no effect outside a block
    if (!block_->local_restore.count(key)) block_->local_restore[key] = Setting(key);
  }
  settings_[key] = canonical;
  return Tag("SET");
}

Result<StatementResult> Session::Show(const std::string& name) {
  std::string key = duckdb::StringUtil::Lower(name);
  if (key == "all") {
    std::vector<std::vector<std::string>> rows;
    for (const auto& def : SettingDefinitions()) rows.push_back({def.display_name, Setting(def.key), def.description});
    rows.push_back({"role", identity_.role, "The runtime role the session acts as"});
    rows.push_back({"search_path", current_database_, "The current lake database"});
    std::sort(rows.begin(), rows.end());
    return Rows("SHOW", {"name", "setting", "description"}, std::move(rows));
  }
  if (key == "role" || key == "search_path") return Single("SHOW", key, Setting(key));
  const SettingDefinition* def = FindSetting(key);
  if (def == nullptr) {
    auto custom = settings_.find(key);
    if (custom != settings_.end()) return Single("SHOW", key, custom->second);
    return Status(StatusCode::kNotFound, "unrecognized configuration parameter \"" + key + "\"");
  }
  return Single("SHOW", def->key, Setting(def->key));
}

Status Session::SwitchRoleChecked(const std::string& requested) {
  std::string target = requested;
  std::string lower = duckdb::StringUtil::Lower(requested);
  const bool reset = lower == "none" || lower == "default" || requested.empty();
  if (reset) target = initial_role_;
  const char* via = reset ? "reset_role" : "set_role";
  // The connect-time role passed the checks when the session opened.
  std::string role = target;
  if (target != initial_role_ || !context_.assume_role) {
    if (context_.assume_role) {
      Result<std::string> checked = context_.assume_role(target);
      if (!checked.ok()) {
        RecordAssumption(target, via, checked.status());
        return checked.status();
      }
      role = *checked;
    } else if (!context_.snapshot()->HasRole(target)) {
      Status missing = Status::InvalidAuthorization("role " + target + " does not exist");
      RecordAssumption(target, via, missing);
      return missing;
    }
  }
  Status switched = SwitchRole(role);
  RecordAssumption(role, via, switched);
  return switched;
}

Status Session::SwitchRole(const std::string& role) {
  if (role == identity_.role) return Status::Ok();
  WEIR_ASSIGN_OR_RETURN(auto connection, context_.engine->Connect(role));
  // Cursors were opened with the old role's rights: they go with it.
  std::lock_guard<std::mutex> lock(interrupt_mu_);
  for (auto& entry : cursors_) entry.second->closed = true;
  cursors_.clear();
  catalog_.reset();  // the mirror shows what the role sees
  connection_ = std::move(connection);
  identity_.role = role;
  auto snapshot = context_.snapshot();
  if (!current_database_.empty() && !snapshot->DatabaseVisible(role, current_database_)) current_database_.clear();
  return Status::Ok();
}

// --- transaction blocks -------------------------------------------------------------

void Session::EndBlock(bool commit) {
  if (!block_) return;
  if (commit) {
    for (auto& [key, value] : block_->local_restore) {
      if (key == "search_path") {
        current_database_ = value;
      } else {
        settings_[key] = value;
      }
    }
  } else {
    settings_ = block_->begin.settings;
    current_database_ = block_->begin.database;
    if (!SwitchRole(block_->begin.role).ok()) {
      // The old role's instance cannot be reached; stay on the current one.
    }
  }
  block_.reset();
  failed_ = false;
  CloseCursors(/*only_without_hold=*/true);
  for (auto it = cursors_.begin(); it != cursors_.end();) {
    // PostgreSQL: a WITH HOLD cursor whose creating transaction aborts is removed.
    if (!commit && it->second->created_in_block) {
      it->second->closed = true;
      it = cursors_.erase(it);
    } else {
      it->second->created_in_block = false;
      ++it;
    }
  }
}

void Session::CloseCursors(bool only_without_hold) {
  for (auto it = cursors_.begin(); it != cursors_.end();) {
    if (!only_without_hold || !it->second->with_hold) {
      it->second->closed = true;
      it = cursors_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<StatementResult> Session::Transaction(const std::vector<Token>& words) {
  const std::string& verb = words[0].text;
  auto saved = [&] {
    BlockState::Saved state{settings_, identity_.role, current_database_, {}};
    for (auto& [name, cursor] : cursors_) state.cursors.push_back(name);
    return state;
  };
  if (verb == "begin" || verb == "start") {
    if (verb == "start" && (words.size() < 2 || !IsWord(words[1], "transaction"))) {
      return Status::SyntaxError("syntax error at or near \"start\"");
    }
    if (block_) return Tag("BEGIN");  // PostgreSQL: a WARNING, and nothing changes
    block_ = std::make_unique<BlockState>();
    block_->begin = saved();
    failed_ = false;
    return Tag(verb == "begin" ? "BEGIN" : "START TRANSACTION");
  }
  if (verb == "commit" || verb == "end") {
    bool was_failed = failed_;
    EndBlock(!was_failed);
    return Tag(was_failed ? "ROLLBACK" : "COMMIT");
  }
  bool is_rollback = verb == "rollback" || verb == "abort";
  // ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] name
  size_t i = 1;
  if (is_rollback && i < words.size() && (IsWord(words[i], "work") || IsWord(words[i], "transaction"))) i++;
  if (is_rollback && i < words.size() && IsWord(words[i], "to")) {
    i++;
    if (i < words.size() && IsWord(words[i], "savepoint")) i++;
    if (i >= words.size() || !IsName(words[i])) return Status::SyntaxError("ROLLBACK TO needs a savepoint name");
    if (!block_)
      return Status(StatusCode::kNoActiveTransaction, "ROLLBACK TO SAVEPOINT can only be used in transaction blocks");
    auto& points = block_->savepoints;
    auto it = std::find_if(points.rbegin(), points.rend(), [&](auto& p) { return p.first == words[i].text; });
    if (it == points.rend()) {
      failed_ = true;
      return Status(StatusCode::kInvalidSavepoint, "savepoint \"" + words[i].text + "\" does not exist");
    }
    auto state = it->second;
    points.erase(it.base(), points.end());  // keep the savepoint itself
    settings_ = state.settings;
    current_database_ = state.database;
    WEIR_RETURN_IF_ERROR(SwitchRole(state.role));
    // Cursors opened after the savepoint close with it.
    for (auto c = cursors_.begin(); c != cursors_.end();) {
      if (std::find(state.cursors.begin(), state.cursors.end(), c->first) == state.cursors.end()) {
        c->second->closed = true;
        c = cursors_.erase(c);
      } else {
        ++c;
      }
    }
    failed_ = false;
    return Tag("ROLLBACK");
  }
  if (is_rollback) {
    EndBlock(false);
    return Tag("ROLLBACK");
  }
  if (verb == "savepoint") {
    if (words.size() < 2 || !IsName(words[1])) return Status::SyntaxError("SAVEPOINT needs a name");
    if (!block_) return Status(StatusCode::kNoActiveTransaction, "SAVEPOINT can only be used in transaction blocks");
    block_->savepoints.emplace_back(words[1].text, saved());
    return Tag("SAVEPOINT");
  }
  // RELEASE [SAVEPOINT] name
  i = 1;
  if (i < words.size() && IsWord(words[i], "savepoint")) i++;
  if (i >= words.size() || !IsName(words[i])) return Status::SyntaxError("RELEASE needs a savepoint name");
  if (!block_)
    return Status(StatusCode::kNoActiveTransaction, "RELEASE SAVEPOINT can only be used in transaction blocks");
  auto& points = block_->savepoints;
  auto it = std::find_if(points.rbegin(), points.rend(), [&](auto& p) { return p.first == words[i].text; });
  if (it == points.rend()) {
    failed_ = true;
    return Status(StatusCode::kInvalidSavepoint, "savepoint \"" + words[i].text + "\" does not exist");
  }
  points.erase(std::prev(it.base()), points.end());
  return Tag("RELEASE");
}

// --- cursors ----------------------------------------------------------------------------

Result<StatementResult> Session::Declare(const std::string& text) {
  // DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR
  //   [{WITH | WITHOUT} HOLD] FOR query
  auto tokens = Tokenize(text);
  if (tokens.size() < 4 || !IsName(tokens[1])) return Status::SyntaxError("DECLARE needs a cursor name");
  std::string name = tokens[1].text;
  bool with_hold = false;
  size_t i = 2;
  for (; i < tokens.size() && !IsWord(tokens[i], "for"); i++) {
    const Token& t = tokens[i];
    if (IsWord(t, "binary")) return Status::NotSupported("binary cursors are not supported");
    if (IsWord(t, "scroll") && !(i > 0 && IsWord(tokens[i - 1], "no"))) {
      return Status::NotSupported("scrollable cursors are not supported: Weir's cursors only move forward");
    }
    if (IsWord(t, "with")) with_hold = true;
    if (IsWord(t, "without")) with_hold = false;
  }
  if (i + 1 >= tokens.size()) return Status::SyntaxError("DECLARE needs FOR and a query");
  if (!with_hold && !block_) {
    return Status(StatusCode::kNoActiveTransaction, "DECLARE CURSOR can only be used in transaction blocks");
  }
  if (cursors_.count(name)) return Status(StatusCode::kDuplicateObject, "cursor \"" + name + "\" already exists");
  std::string query = text.substr(tokens[i + 1].offset);
  WEIR_ASSIGN_OR_RETURN(auto parsed, engine::ParseSql(NormalizeCatalogSyntax(query)));
  if (parsed.size() != 1 || parsed[0]->type != duckdb::StatementType::SELECT_STATEMENT) {
    return Status::SyntaxError("DECLARE CURSOR needs a SELECT query");
  }
  auto cursor = std::make_shared<Cursor>();
  engine::ReadSet reads;
  auto snapshot = context_.snapshot();
  WEIR_ASSIGN_OR_RETURN(bool catalog_only, ReadsCatalog(*parsed[0]));
  Result<std::unique_ptr<engine::RowStream>> stream = Status::Internal("unreachable");
  if (catalog_only) {
    // psql with FETCH_COUNT wraps catalog queries in cursors too.
    WEIR_ASSIGN_OR_RETURN(cursor->catalog, context_.engine->ConnectCatalog(identity_.role, *snapshot));
    stream = cursor->catalog->Run(std::move(parsed[0]), nullptr);
  } else {
    WEIR_ASSIGN_OR_RETURN(cursor->connection, context_.engine->Connect(identity_.role));
    stream = cursor->connection->Run(std::move(parsed[0]), *snapshot, current_database_, &reads);
  }
  if (!stream.ok()) return stream.status();
  cursor->rows = std::make_unique<StreamRows>(std::move(stream).value());
  cursor->with_hold = with_hold;
  cursor->created_in_block = block_ != nullptr;
  cursors_[name] = std::move(cursor);
  return Tag("DECLARE CURSOR");
}

Result<StatementResult> Session::Fetch(const std::vector<Token>& tokens, bool move) {
  // FETCH [NEXT | FORWARD [count | ALL] | count | ALL] [FROM | IN] name
  size_t i = 1;
  size_t count = 1;
  bool all = false;
  auto number = [&](const Token& t, size_t* out) {
    if (t.kind != TokenKind::kNumber) return false;
    char* end = nullptr;
    unsigned long long v = std::strtoull(t.text.c_str(), &end, 10);
    if (*end != '\0') return false;
    *out = static_cast<size_t>(v);
    return true;
  };
  if (i < tokens.size() && IsWord(tokens[i], "next")) {
    i++;
  } else if (i < tokens.size() && IsWord(tokens[i], "forward")) {
    i++;
    if (i < tokens.size() && IsWord(tokens[i], "all")) {
      all = true;
      i++;
    } else if (i < tokens.size() && number(tokens[i], &count)) {
      i++;
    }
  } else if (i < tokens.size() && IsWord(tokens[i], "all")) {
    all = true;
    i++;
  } else if (i < tokens.size() && number(tokens[i], &count)) {
    i++;
  } else if (i < tokens.size() && tokens[i].kind == TokenKind::kWord &&
             (tokens[i].text == "prior" || tokens[i].text == "first" || tokens[i].text == "last" ||
              tokens[i].text == "absolute" || tokens[i].text == "relative" || tokens[i].text == "backward")) {
    return Status::NotSupported("FETCH " + tokens[i].text + " is not supported: Weir's cursors only move forward");
  } else if (i < tokens.size() && IsSymbol(tokens[i], "-")) {
    return Status::NotSupported("FETCH with a negative count is not supported: Weir's cursors only move forward");
  }
  if (i < tokens.size() && (IsWord(tokens[i], "from") || IsWord(tokens[i], "in"))) i++;
  if (i + 1 != tokens.size() || !IsName(tokens[i])) return Status::SyntaxError("FETCH needs a cursor name");
  auto it = cursors_.find(tokens[i].text);
  if (it == cursors_.end()) {
    return Status(StatusCode::kInvalidCursor, "cursor \"" + tokens[i].text + "\" does not exist");
  }
  std::shared_ptr<Cursor> cursor = it->second;
  if (!all && count == 0) return Status::NotSupported("FETCH 0 (re-read the current row) is not supported");
  if (move) {
    size_t moved = 0;
    while (all || moved < count) {
      WEIR_ASSIGN_OR_RETURN(auto chunk, cursor->Take(all ? 0 : count - moved));
      if (!chunk) break;
      moved += chunk->size();
    }
    return Tag("MOVE " + std::to_string(moved));
  }
  auto take = [cursor](size_t limit) { return cursor->Take(limit); };  // keeps the cursor alive
  return StatementResult(
      "FETCH", std::make_unique<CursorRows>(take, cursor->rows->names(), cursor->rows->types(), all ? 0 : count));
}

std::optional<StatementShape> Session::CursorShape(const std::string& name) const {
  auto it = cursors_.find(name);
  if (it == cursors_.end()) return std::nullopt;
  StatementShape shape;
  shape.returns_rows = true;
  shape.names = it->second->rows->names();
  shape.types = it->second->rows->types();
  return shape;
}

Result<StatementResult> Session::CloseCursor(const std::string& name) {
  if (name == "all") {
    for (auto& entry : cursors_) entry.second->closed = true;
    cursors_.clear();
    return Tag("CLOSE CURSOR");
  }
  auto it = cursors_.find(name);
  if (it == cursors_.end()) return Status(StatusCode::kInvalidCursor, "cursor \"" + name + "\" does not exist");
  it->second->closed = true;
  cursors_.erase(it);
  return Tag("CLOSE CURSOR");
}

// --- the dispatcher -------------------------------------------------------------------------

std::optional<Result<StatementResult>> Session::RunSessionStatement(const std::string& text) {
  // Every query passes here: look at its first words only, unless it is
  // one of the session's own statements.
  auto head = Tokenize(text, 3);
  if (head.empty() || head[0].kind != TokenKind::kWord) return std::nullopt;
  if (head[0].text == "select") {
    if (head.size() != 2 || head[1].kind != TokenKind::kWord) return std::nullopt;
    const std::string& what = head[1].text;
    if (what == "current_role") return Single("SELECT", what, identity_.role);
    if (what == "current_user" || what == "session_user" || what == "user") {
      return Single("SELECT", what, identity_.source_identity);
    }
    return std::nullopt;
  }
  if (!IsSessionVerb(head[0].text)) return std::nullopt;
  auto tokens = Tokenize(text);
  const std::string& verb = tokens[0].text;
  auto at = [&](size_t i, const char* word) { return i < tokens.size() && IsWord(tokens[i], word); };

  if (verb == "begin" || verb == "start" || verb == "commit" || verb == "end" || verb == "rollback" ||
      verb == "abort" || verb == "savepoint" || verb == "release") {
    return Transaction(tokens);
  }
  if (verb == "set") {
    size_t i = 1;
    bool local = false;
    if (at(i, "session") && !at(i + 1, "characteristics") && !at(i + 1, "authorization")) {
      i++;
    } else if (at(i, "local")) {
      local = true;
      i++;
    }
    if (at(i, "session") && at(i + 1, "characteristics")) return Tag("SET");
    if (at(i, "transaction")) return Tag("SET");  // isolation levels and access modes: nothing to change
    if (at(i, "session") && at(i + 1, "authorization")) return Set("session_authorization", "", false);
    if (at(i, "role") && !at(i + 1, "to") && !(i + 1 < tokens.size() && IsSymbol(tokens[i + 1], "="))) {
      if (i + 2 != tokens.size() || !IsName(tokens[i + 1])) return Status::SyntaxError("SET ROLE needs one role name");
      if (local) return Status::NotSupported("SET LOCAL ROLE is not supported: use SET ROLE inside the block");
      WEIR_RETURN_IF_ERROR(SwitchRoleChecked(tokens[i + 1].text));
      return Tag("SET");
    }
    if (at(i, "time") && at(i + 1, "zone")) {
      if (i + 2 >= tokens.size()) return Status::SyntaxError("SET TIME ZONE needs a value");
      if (at(i + 2, "local") || at(i + 2, "default")) return Set("timezone", ResetValue("timezone"), local);
      auto value = SetValue(tokens, i + 2);
      if (!value.ok()) return value.status();
      return Set("timezone", *value, local);
    }
    if (at(i, "schema") && i + 1 < tokens.size() && !at(i + 1, "to") && !IsSymbol(tokens[i + 1], "=")) {
      if (i + 2 != tokens.size() || !IsName(tokens[i + 1])) return Status::SyntaxError("SET SCHEMA needs one name");
      return Set("search_path", QuoteIdentifier(tokens[i + 1].text), local);
    }
    if (i >= tokens.size() || !IsName(tokens[i])) return Status::SyntaxError("SET needs a parameter name");
    std::string name = tokens[i].text;
    i++;
    // extension.name
    while (i + 1 < tokens.size() && IsSymbol(tokens[i], ".") && IsName(tokens[i + 1])) {
      name += "." + tokens[i + 1].text;
      i += 2;
    }
    if (at(i, "to") || (i < tokens.size() && IsSymbol(tokens[i], "="))) {
      i++;
    } else {
      return Status::SyntaxError("syntax error in SET: expected TO or =");
    }
    if (at(i, "default") && i + 1 == tokens.size()) {
      std::string lower = duckdb::StringUtil::Lower(name);
      if (lower == "search_path") return Set(lower, ResetSearchPath(), local);
      if (lower == "role") return Set(lower, "none", local);
      return Set(name, ResetValue(lower), local);
    }
    if (duckdb::StringUtil::Lower(name) == "search_path") {
      // Keep quoting: a list of identifiers.
      std::string raw = text.substr(tokens[i].offset);
      return Set(name, raw, local);
    }
    auto value = SetValue(tokens, i);
    if (!value.ok()) return value.status();
    return Set(name, *value, local);
  }
  if (verb == "reset") {
    // RESET name | RESET extension.name | RESET ALL: as SET name TO DEFAULT.
    std::string name;
    if (tokens.size() == 2 && IsName(tokens[1])) name = tokens[1].text;
    if (tokens.size() == 4 && IsName(tokens[1]) && IsSymbol(tokens[2], ".") && IsName(tokens[3])) {
      name = tokens[1].text + "." + tokens[3].text;
    }
    if (name.empty()) return Status::SyntaxError("RESET needs a parameter name or ALL");
    std::string key = duckdb::StringUtil::Lower(name);
    if (key == "all") {
      ResetAll();
      return Tag("RESET");
    }
    if (key == "role") {
      WEIR_RETURN_IF_ERROR(SwitchRoleChecked("none"));
      return Tag("RESET");
    }
    if (key == "search_path") {
      WEIR_RETURN_IF_ERROR(Set(key, ResetSearchPath(), false).status());
      return Tag("RESET");
    }
    const SettingDefinition* def = FindSetting(key);
    if (def != nullptr && def->read_only) {
      return Status::PermissionDenied("parameter \"" + name + "\" cannot be changed");
    }
    WEIR_RETURN_IF_ERROR(Set(key, ResetValue(key), false).status());
    return Tag("RESET");
  }
  if (verb == "show") {
    if (at(1, "databases") || at(1, "tables")) return std::nullopt;  // the lake listings
    if (at(1, "transaction") && at(2, "isolation") && at(3, "level")) {
      return Single("SHOW", "transaction_isolation", Setting("transaction_isolation"));
    }
    if (at(1, "time") && at(2, "zone")) return Single("SHOW", "TimeZone", Setting("timezone"));
    if (at(1, "session") && at(2, "authorization")) {
      return Single("SHOW", "session_authorization", Setting("session_authorization"));
    }
    // SHOW name: a session setting; otherwise DuckDB's SHOW table (DESCRIBE).
    std::string name;
    if (tokens.size() == 2 && IsName(tokens[1])) name = tokens[1].text;
    if (tokens.size() == 4 && IsName(tokens[1]) && IsSymbol(tokens[2], ".") && IsName(tokens[3])) {
      name = tokens[1].text + "." + tokens[3].text;
    }
    if (name.empty()) return std::nullopt;  // SHOW ALL TABLES and other DuckDB forms
    std::string key = duckdb::StringUtil::Lower(name);
    if (key == "all" || key == "role" || key == "search_path" || FindSetting(key) != nullptr ||
        settings_.count(key) > 0) {
      return Show(name);
    }
    // DuckDB's SHOW t / SHOW db.t describes a table the role can see; any
    // other name is an unknown setting, as in PostgreSQL (a hidden table
    // answers the same).
    std::string database = tokens.size() == 4 ? duckdb::StringUtil::Lower(tokens[1].text) : current_database_;
    std::string table = duckdb::StringUtil::Lower(tokens.back().text);
    if (!database.empty()) {
      auto visible = context_.snapshot()->VisibleTables(identity_.role, database);
      if (std::find(visible.begin(), visible.end(), table) != visible.end()) return std::nullopt;
    }
    return Status(StatusCode::kNotFound, "unrecognized configuration parameter \"" + key + "\"");
  }
  if (verb == "discard") {
    if (at(1, "all")) {
      if (block_) {
        return Status(StatusCode::kActiveTransaction, "DISCARD ALL cannot run inside a transaction block");
      }
      // As PostgreSQL's DISCARD ALL includes SET SESSION AUTHORIZATION
      // DEFAULT: a pooler's reset must not hand this role to the next client.
      WEIR_RETURN_IF_ERROR(SwitchRole(initial_role_));
      ResetAll();
      for (auto& entry : cursors_) entry.second->closed = true;
      cursors_.clear();
      StatementResult result = Tag("DISCARD ALL");
      result.deallocate = "";
      return result;
    }
    if (at(1, "plans") || at(1, "temp") || at(1, "temporary") || at(1, "sequences")) {
      return Tag("DISCARD " + duckdb::StringUtil::Upper(tokens[1].text));
    }
    return Status::SyntaxError("DISCARD needs ALL, PLANS, TEMP or SEQUENCES");
  }
  if (verb == "declare") return Declare(text);
  if (verb == "fetch" || verb == "move") return Fetch(tokens, verb == "move");
  if (verb == "close") {
    if (tokens.size() != 2 || !IsName(tokens[1])) return Status::SyntaxError("CLOSE needs a cursor name or ALL");
    return CloseCursor(tokens[1].text);
  }
  if (verb == "deallocate") {
    size_t i = at(1, "prepare") ? 2 : 1;
    if (i + 1 != tokens.size() || !IsName(tokens[i])) return Status::SyntaxError("DEALLOCATE needs a name or ALL");
    StatementResult result = Tag("DEALLOCATE");
    result.deallocate = at(i, "all") ? "" : tokens[i].text;
    if (at(i, "all")) result.tag = "DEALLOCATE ALL";
    return result;
  }
  if (verb == "prepare" || verb == "execute") {
    return Status::NotSupported("SQL-level PREPARE and EXECUTE are not supported: use the extended protocol");
  }
  if (verb == "listen" || verb == "unlisten" || verb == "notify") {
    return Status::NotSupported(duckdb::StringUtil::Upper(verb) + " is not supported");
  }
  return std::nullopt;
}

// --- COPY (query) TO STDOUT ---------------------------------------------------------

Result<StatementResult> Session::Copy(const std::string& text, const std::vector<duckdb::Value>* parameters,
                                      std::vector<std::string>* tables, std::vector<std::string>* columns) {
  // COPY { ( query ) | table [ ( column, ... ) ] } TO STDOUT
  //   [ [ WITH ] ( option [, ...] ) | legacy options: BINARY, CSV, HEADER, DELIMITER 'x', NULL 'x' ]
  auto tokens = Tokenize(text);
  size_t i = 1;
  std::string query;
  if (i < tokens.size() && IsSymbol(tokens[i], "(")) {
    int depth = 0;
    size_t j = i;
    for (; j < tokens.size(); j++) {
      if (IsSymbol(tokens[j], "(")) depth++;
      if (IsSymbol(tokens[j], ")") && --depth == 0) break;
    }
    if (j >= tokens.size()) return Status::SyntaxError("COPY: unbalanced parentheses around the query");
    query = text.substr(tokens[i].offset + 1, tokens[j].offset - tokens[i].offset - 1);
    i = j + 1;
  } else {
    std::string table;
    while (i < tokens.size() && (IsName(tokens[i]) || IsSymbol(tokens[i], ".")) && !IsWord(tokens[i], "to") &&
           !IsWord(tokens[i], "from")) {
      table += tokens[i].kind == TokenKind::kSymbol ? "." : QuoteIdentifier(tokens[i].text);
      i++;
    }
    if (table.empty()) return Status::SyntaxError("COPY needs a table or a (query)");
    std::string list = "*";
    if (i < tokens.size() && IsSymbol(tokens[i], "(")) {
      list.clear();
      for (i++; i < tokens.size() && !IsSymbol(tokens[i], ")"); i++) {
        if (IsSymbol(tokens[i], ",")) continue;
        if (!IsName(tokens[i])) return Status::SyntaxError("COPY: bad column list");
        list += (list.empty() ? "" : ", ") + QuoteIdentifier(tokens[i].text);
      }
      if (i >= tokens.size()) return Status::SyntaxError("COPY: unbalanced column list");
      i++;
    }
    query = "SELECT " + list + " FROM " + table;
  }
  if (i < tokens.size() && IsWord(tokens[i], "from")) {
    return Status::NotSupported("COPY FROM is not supported: Weir's lake tables are read-only");
  }
  if (i + 1 >= tokens.size() || !IsWord(tokens[i], "to") || !IsWord(tokens[i + 1], "stdout")) {
    return Status::NotSupported("COPY can only write TO STDOUT (files on the server are not reachable)");
  }
  i += 2;
  CopySpec spec;
  auto char_option = [&](const Token& t, const char* what) -> Result<char> {
    if (t.kind != TokenKind::kString || t.text.size() != 1) {
      return Status::InvalidArgument(std::string("COPY ") + what + " must be a single one-byte character");
    }
    return t.text[0];
  };
  if (i < tokens.size() && IsWord(tokens[i], "with")) i++;
  if (i < tokens.size() && IsSymbol(tokens[i], "(")) {
    for (i++; i < tokens.size() && !IsSymbol(tokens[i], ")"); i++) {
      if (IsSymbol(tokens[i], ",")) continue;
      if (tokens[i].kind != TokenKind::kWord) return Status::SyntaxError("COPY: bad option list");
      std::string option = tokens[i].text;
      const Token* value = i + 1 < tokens.size() && !IsSymbol(tokens[i + 1], ",") && !IsSymbol(tokens[i + 1], ")")
                               ? &tokens[++i]
                               : nullptr;
      if (option == "format") {
        if (value == nullptr) return Status::SyntaxError("COPY: FORMAT needs a value");
        std::string f = duckdb::StringUtil::Lower(value->text);
        if (f == "text") {
          spec.format = CopySpec::Format::kText;
        } else if (f == "csv") {
          spec.format = CopySpec::Format::kCsv;
        } else if (f == "binary") {
          spec.format = CopySpec::Format::kBinary;
        } else {
          return Status::InvalidArgument("COPY format \"" + value->text + "\" not recognized");
        }
      } else if (option == "header") {
        spec.header = value == nullptr || IsWord(*value, "true") || IsWord(*value, "on") || value->text == "1";
      } else if (option == "delimiter" && value) {
        WEIR_ASSIGN_OR_RETURN(spec.delimiter, char_option(*value, "delimiter"));
      } else if (option == "null" && value) {
        if (value->kind != TokenKind::kString) return Status::InvalidArgument("COPY null must be a string");
        spec.null_string = value->text;
      } else if (option == "quote" && value) {
        WEIR_ASSIGN_OR_RETURN(spec.quote, char_option(*value, "quote"));
      } else if (option == "escape" && value) {
        WEIR_ASSIGN_OR_RETURN(spec.escape, char_option(*value, "escape"));
      } else if (option == "force_quote" && value) {
        if (IsSymbol(*value, "*")) {
          spec.force_quote = {"*"};
        } else if (IsSymbol(*value, "(")) {
          for (i++; i < tokens.size() && !IsSymbol(tokens[i], ")"); i++) {
            if (IsName(tokens[i])) spec.force_quote.push_back(tokens[i].text);
          }
        } else {
          return Status::SyntaxError("COPY: FORCE_QUOTE needs * or a column list");
        }
      } else if (option == "encoding" && value) {
        std::string e = duckdb::StringUtil::Lower(value->text);
        if (e != "utf8" && e != "utf-8") return Status::NotSupported("COPY encoding must be UTF8");
      } else {
        return Status::InvalidArgument("COPY option \"" + option + "\" not recognized");
      }
    }
    if (i >= tokens.size()) return Status::SyntaxError("COPY: unbalanced option list");
    i++;
  } else {
    for (; i < tokens.size(); i++) {
      if (IsWord(tokens[i], "binary")) {
        spec.format = CopySpec::Format::kBinary;
      } else if (IsWord(tokens[i], "csv")) {
        spec.format = CopySpec::Format::kCsv;
      } else if (IsWord(tokens[i], "header")) {
        spec.header = true;
      } else if ((IsWord(tokens[i], "delimiter") || IsWord(tokens[i], "null") || IsWord(tokens[i], "quote") ||
                  IsWord(tokens[i], "escape")) &&
                 i + 1 < tokens.size()) {
        std::string option = tokens[i].text;
        if (IsWord(tokens[i + 1], "as") && i + 2 < tokens.size()) i++;  // DELIMITER AS ','
        const Token& value = tokens[++i];
        if (option == "null") {
          spec.null_string = value.text;
        } else {
          WEIR_ASSIGN_OR_RETURN(char c, char_option(value, option.c_str()));
          if (option == "delimiter") spec.delimiter = c;
          if (option == "quote") spec.quote = c;
          if (option == "escape") spec.escape = c;
        }
      } else {
        return Status::SyntaxError("COPY: unexpected \"" + tokens[i].text + "\"");
      }
    }
  }
  if (i < tokens.size()) return Status::SyntaxError("COPY: unexpected \"" + tokens[i].text + "\"");
  if (spec.format == CopySpec::Format::kBinary && (spec.delimiter || spec.null_string || spec.header)) {
    return Status::InvalidArgument("COPY: DELIMITER, NULL and HEADER cannot be used with BINARY");
  }
  if (spec.format != CopySpec::Format::kCsv && (spec.quote || spec.escape || !spec.force_quote.empty())) {
    return Status::InvalidArgument("COPY: QUOTE, ESCAPE and FORCE_QUOTE are only available in CSV mode");
  }
  auto snapshot = context_.snapshot();
  WEIR_ASSIGN_OR_RETURN(auto parsed, engine::ParseSql(query));
  if (parsed.size() != 1 || parsed[0]->type != duckdb::StatementType::SELECT_STATEMENT) {
    return Status::NotSupported("COPY's query must be a SELECT");
  }
  WEIR_ASSIGN_OR_RETURN(auto result, RunParsed(std::move(parsed[0]), parameters, *snapshot, tables, columns));
  if (!result.rows) return Status::NotSupported("COPY's query returns no rows");
  result.tag = "COPY";
  result.copy = spec;
  return result;
}

}  // namespace weir::session
