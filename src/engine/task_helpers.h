#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace duckdb {
class DuckDB;
}

namespace weir::engine {

// The threads that help role instances run their statements, shared by all
// of them.
//
// DuckDB's own worker pool is woken for every task a statement queues, and a
// woken worker spins before it sleeps again: for a short statement that
// hand-off costs about as much as the statement itself, and the spinning
// takes a core from everything else. So the role instances start no DuckDB
// worker (every thread DuckDB counts is an "external" one, and it still plans
// parallel pipelines for all of them): the session's thread runs its
// statement's tasks itself, and these helpers look for queued tasks of any
// instance every kPollInterval while statements are under way, taking them
// as they find them. A statement that reads files also nudges waiting
// helpers once its first tasks are queued (Nudge), so a scan of a few
// milliseconds is helped at once, and a helper that has just run tasks
// keeps looking for kLinger before it waits again (a statement's next
// pipeline is queued as the previous one ends). A short statement that
// reads no file finishes on its own thread with no wake-up at all. With no
// statement for a while the helpers sleep until one starts.
//
// Thread-safe.
class TaskHelpers {
 public:
  static constexpr std::chrono::microseconds kPollInterval{1000};
  // After this long without a statement the helpers stop looking.
  static constexpr std::chrono::milliseconds kRestAfter{200};
  // How long a helper that ran tasks keeps looking before it waits.
  static constexpr std::chrono::microseconds kLinger{100};

  // `threads` helpers (0: none; every statement then runs on its own thread).
  explicit TaskHelpers(int threads);
  ~TaskHelpers();  // stops and joins the helpers
  TaskHelpers(const TaskHelpers&) = delete;
  TaskHelpers& operator=(const TaskHelpers&) = delete;

  // An instance whose queued tasks the helpers take from now on.
  void Add(std::shared_ptr<duckdb::DuckDB> db);

  // Held while a statement may queue tasks: from its start until its result
  // is read or dropped.
  class Activity {
   public:
    Activity() = default;
    explicit Activity(TaskHelpers* helpers);
    ~Activity();
    Activity(Activity&& other) noexcept : helpers_(std::exchange(other.helpers_, nullptr)) {}
    Activity& operator=(Activity&& other) noexcept;
    Activity(const Activity&) = delete;
    Activity& operator=(const Activity&) = delete;

   private:
    TaskHelpers* helpers_ = nullptr;
  };
  Activity Start() { return Activity(this); }

  // A statement has queued tasks worth helping with now (it reads files):
  // wakes the waiting helpers instead of leaving them to their next look.
  void Nudge();

  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop();
  // One pass over the instances; true when some task ran.
  bool RunQueuedTasks(std::vector<std::shared_ptr<duckdb::DuckDB>>& instances, uint64_t& seen_generation);
  void Began();
  void Ended();

  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<std::shared_ptr<duckdb::DuckDB>> instances_;  // guarded by mu_
  std::atomic<uint64_t> generation_{0};                     // bumped when instances_ changes
  std::atomic<int64_t> active_{0};                          // statements under way
  std::atomic<uint64_t> started_{0};                        // statements ever started
  std::atomic<int> resting_{0};                             // helpers waiting for a statement
  std::atomic<int> waiting_{0};                             // helpers waiting, resting or between looks
  std::atomic<uint64_t> nudges_{0};
  std::atomic<bool> running_{true};  // false: helpers stop
  std::vector<std::thread> threads_;
};

}  // namespace weir::engine
