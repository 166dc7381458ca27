#include "metrics/exposition.h"

#include <fmt/format.h>

#include <cmath>

namespace nimbus::metrics {

std::string Exposition::EscapeLabel(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Exposition::Family(std::string_view name, std::string_view type,
                        std::string_view help) {
  // HELP text escapes only backslash and newline.
  std::string h;
  for (char c : help) {
    if (c == '\\') {
      h += "\\\\";
    } else if (c == '\n') {
      h += "\\n";
    } else {
      h += c;
    }
  }
  fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name,
                 h, name, type);
}

void Exposition::AppendLabels(const Labels& labels) {
  if (labels.empty()) return;
  out_ += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out_ += ',';
    first = false;
    fmt::format_to(std::back_inserter(out_), "{}=\"{}\"", k, EscapeLabel(v));
  }
  out_ += '}';
}

void Exposition::Sample(std::string_view name, const Labels& labels,
                        double value) {
  out_ += name;
  AppendLabels(labels);
  if (std::isnan(value)) {
    out_ += " NaN\n";
  } else if (std::isinf(value)) {
    out_ += value > 0 ? " +Inf\n" : " -Inf\n";
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    fmt::format_to(std::back_inserter(out_), " {}\n",
                   static_cast<int64_t>(value));
  } else {
    fmt::format_to(std::back_inserter(out_), " {}\n", value);
  }
}

void Exposition::HistogramSamples(std::string_view name, const Labels& labels,
                                  const Histogram::Snapshot& h) {
  const std::string bucket = std::string(name) + "_bucket";
  for (size_t i = 0; i < Histogram::kBounds.size(); ++i) {
    Labels l = labels;
    l.emplace_back("le", fmt::format("{}", Histogram::kBounds[i]));
    Sample(bucket, l, static_cast<double>(h.cumulative[i]));
  }
  Labels inf = labels;
  inf.emplace_back("le", "+Inf");
  Sample(bucket, inf, static_cast<double>(h.count));
  Sample(std::string(name) + "_sum", labels, h.sum);
  Sample(std::string(name) + "_count", labels, static_cast<double>(h.count));
}

}  // namespace nimbus::metrics
