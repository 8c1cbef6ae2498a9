// A fixed pool of worker threads. Jobs run on workers; each job posts exactly one result, which
// the controller thread collects with next_result(). Only the controller changes run state.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace drover::exec {

template <typename Result>
class WorkerPool {
public:
  explicit WorkerPool(int threads) {
    if (threads < 1) threads = 1;
    for (int i = 0; i < threads; ++i) m_threads.emplace_back([this] { work(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_jobs_cv.notify_all();
    for (auto& t : m_threads) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<Result()> job) {
    {
      std::lock_guard lock(m_mutex);
      m_jobs.push_back(std::move(job));
    }
    m_jobs_cv.notify_one();
  }

  // Blocks until a job has finished; returns its result in completion order.
  Result next_result() {
    std::unique_lock lock(m_mutex);
    m_results_cv.wait(lock, [this] { return !m_results.empty(); });
    Result r = std::move(m_results.front());
    m_results.pop_front();
    return r;
  }

  // Waits until every submitted job has finished and drops their results: what an interrupted
  // strategy does before the state its jobs point into goes away.
  void drain() {
    std::unique_lock lock(m_mutex);
    m_results_cv.wait(lock, [this] { return m_jobs.empty() && m_busy == 0; });
    m_results.clear();
  }

  // A finished job's result if there is one now, else nullopt (does not wait).
  std::optional<Result> try_next_result() {
    std::lock_guard lock(m_mutex);
    if (m_results.empty()) return std::nullopt;
    Result r = std::move(m_results.front());
    m_results.pop_front();
    return r;
  }

private:
  void work() {
    for (;;) {
      std::function<Result()> job;
      {
        std::unique_lock lock(m_mutex);
        m_jobs_cv.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
        if (m_jobs.empty()) return;
        job = std::move(m_jobs.front());
        m_jobs.pop_front();
        ++m_busy;
      }
      Result r = job();
      {
        std::lock_guard lock(m_mutex);
        m_results.push_back(std::move(r));
        --m_busy;
      }
      m_results_cv.notify_all();
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_jobs_cv, m_results_cv;
  std::deque<std::function<Result()>> m_jobs;
  std::deque<Result> m_results;
  std::vector<std::thread> m_threads;
  bool m_stopping = false;
  int m_busy = 0;  // jobs running now
};

}  // namespace drover::exec
