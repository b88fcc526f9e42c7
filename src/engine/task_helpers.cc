#include "engine/task_helpers.h"

#include "duckdb.hpp"
#include "duckdb/parallel/task_scheduler.hpp"

namespace weir::engine {

namespace {

using Clock = std::chrono::steady_clock;

// Tasks one helper runs from one instance before it looks at the others.
constexpr duckdb::idx_t kTasksPerTurn = 16;

}  // namespace

TaskHelpers::TaskHelpers(int threads) {
  for (int i = 0; i < threads; i++) threads_.emplace_back([this] { Loop(); });
}

TaskHelpers::~TaskHelpers() {
  running_.store(false);
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_.notify_all();
  }
  for (auto& thread : threads_) thread.join();
}

void TaskHelpers::Add(std::shared_ptr<duckdb::DuckDB> db) {
  std::lock_guard<std::mutex> lock(mu_);
  instances_.push_back(std::move(db));
  generation_.fetch_add(1);
}

TaskHelpers::Activity::Activity(TaskHelpers* helpers) : helpers_(helpers) {
  if (helpers_ != nullptr) helpers_->Began();
}

TaskHelpers::Activity::~Activity() {
  if (helpers_ != nullptr) helpers_->Ended();
}

TaskHelpers::Activity& TaskHelpers::Activity::operator=(Activity&& other) noexcept {
  if (this != &other) {
    if (helpers_ != nullptr) helpers_->Ended();
    helpers_ = std::exchange(other.helpers_, nullptr);
  }
  return *this;
}

void TaskHelpers::Began() {
  active_.fetch_add(1);
  started_.fetch_add(1);
  // Only a resting helper needs a wake-up; the others look on their own.
  if (resting_.load() > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    wake_.notify_all();
  }
}

void TaskHelpers::Ended() { active_.fetch_sub(1); }

void TaskHelpers::Nudge() {
  if (waiting_.load() == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  nudges_.fetch_add(1);
  wake_.notify_all();
}

bool TaskHelpers::RunQueuedTasks(std::vector<std::shared_ptr<duckdb::DuckDB>>& instances, uint64_t& seen_generation) {
  if (generation_.load() != seen_generation) {
    std::lock_guard<std::mutex> lock(mu_);
    instances = instances_;
    seen_generation = generation_.load();
  }
  bool ran = false;
  for (auto& db : instances) {
    auto& scheduler = duckdb::TaskScheduler::GetScheduler(*db->instance);
    if (scheduler.GetNumberOfTasks() == 0) continue;
    try {
      if (scheduler.ExecuteTasks(&running_, kTasksPerTurn) > 0) ran = true;
    } catch (...) {
      // A task reports its own failure to its statement; nothing to do here.
    }
  }
  return ran;
}

void TaskHelpers::Loop() {
  std::vector<std::shared_ptr<duckdb::DuckDB>> instances;
  uint64_t seen_generation = ~uint64_t{0};
  uint64_t last_started = started_.load();
  auto last_activity = Clock::now();
  auto last_ran = Clock::time_point();
  while (running_.load()) {
    if (RunQueuedTasks(instances, seen_generation)) {
      last_ran = Clock::now();
      continue;
    }
    auto now = Clock::now();
    if (now - last_ran < kLinger) {
      std::this_thread::yield();
      continue;
    }
    uint64_t started = started_.load();
    if (active_.load() > 0 || started != last_started) {
      last_started = started;
      last_activity = now;
    }
    bool rest = now - last_activity >= kRestAfter;
    std::unique_lock<std::mutex> lock(mu_);
    uint64_t nudges = nudges_.load();
    waiting_.fetch_add(1);
    if (!rest) {
      // Look again after the interval, or at once when nudged.
      wake_.wait_for(lock, kPollInterval, [&] { return !running_.load() || nudges_.load() != nudges; });
    } else {
      // Nothing under way for a while: rest until a statement starts.
      resting_.fetch_add(1);
      wake_.wait(lock, [&] {
        return !running_.load() || active_.load() > 0 || started_.load() != last_started || nudges_.load() != nudges;
      });
      resting_.fetch_sub(1);
      last_started = started_.load();
      last_activity = Clock::now();
    }
    waiting_.fetch_sub(1);
  }
}

}  // namespace weir::engine
