#pragma once
// A webhook or upstream endpoint on 127.0.0.1:<free port> for the tests of
// outgoing calls: it answers POSTs with scripted answers (then 200) and
// records each request.

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace collector_test {

class Receiver {
 public:
  struct Answer {
    int status = 200;
    std::string retry_after;  // the Retry-After header; "" = none
    int delay_ms = 0;         // how long the answer takes
    Answer(int status_ = 200, std::string retry_after_ = "", int delay_ms_ = 0)
        : status(status_), retry_after(std::move(retry_after_)), delay_ms(delay_ms_) {}
  };
  struct Call {
    std::string path, body;
    httplib::Headers headers;
    std::string header(const char* name) const {
      const auto it = headers.find(name);
      return it == headers.end() ? "" : it->second;
    }
  };

  explicit Receiver(std::deque<Answer> answers = {}) : answers_(std::move(answers)) {
    svr_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      Answer answer;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        calls_.push_back({req.path, req.body, req.headers});
        if (!answers_.empty()) {
          answer = answers_.front();
          answers_.pop_front();
        }
      }
      // The answer being slow is what the test is about (a client timeout).
      if (answer.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(answer.delay_ms));
      res.status = answer.status;
      if (!answer.retry_after.empty()) res.set_header("Retry-After", answer.retry_after);
      res.set_content("{}", "application/json");
    });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    svr_.stop();
    thread_.join();
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int port() const { return port_; }
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  httplib::Server svr_;
  std::mutex mutex_;
  std::deque<Answer> answers_;
  std::vector<Call> calls_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace collector_test
