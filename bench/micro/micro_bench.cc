// Micro-benchmarks of hot-path pieces: the protocol codec, file-name
// generation and parsing, and binlog append. Run:
//   build/release/bench/micro/micro_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "common/env.h"
#include "proto/file_name.h"
#include "proto/header.h"
#include "storage/binlog.h"

namespace nimbus {
namespace {

void BM_HeaderEncodeDecode(benchmark::State& state) {
  char buf[proto::kHeaderSize];
  int64_t n = 0;
  for (auto _ : state) {
    proto::EncodeHeader({n++, 11, 0}, buf);
    proto::Header h = proto::DecodeHeader(buf);
    benchmark::DoNotOptimize(h);
  }
}
BENCHMARK(BM_HeaderEncodeDecode);

void BM_FileNameGenerate(benchmark::State& state) {
  std::mt19937 rng(1);
  proto::FileNameFields f;
  f.source_ip = 0x7f000001;
  for (auto _ : state) {
    f.create_time = 1795566586 + rng() % 1000;
    f.masked_size = proto::MaskFileSize(4096, false, rng());
    f.crc32 = rng();
    std::string name =
        proto::EncodeNameBase(f) + proto::FormatNameSuffix("jpg", rng());
    benchmark::DoNotOptimize(name);
  }
}
BENCHMARK(BM_FileNameGenerate);

void BM_FileIdParse(benchmark::State& state) {
  const std::string id = "group1/M00/00/00/fwAAAmsGK_qAY6msAAMgB2wy40Q600.bin";
  for (auto _ : state) {
    auto r = proto::ParseFileId(id);
    auto f = proto::DecodeNameBase(r->logic.name);
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_FileIdParse);

void BM_BinlogEncode(benchmark::State& state) {
  storage::BinlogRecord r{
      1795566586, 'C', "M00/00/00/fwAAAmsGK_qAY6msAAMgB2wy40Q600.bin",
      0,          0,   ""};
  for (auto _ : state) {
    std::string line = storage::EncodeBinlogRecord(r);
    benchmark::DoNotOptimize(line);
  }
}
BENCHMARK(BM_BinlogEncode);

// Append through the real Env to a file in /tmp (page cache, no sync).
void BM_BinlogAppend(benchmark::State& state) {
  std::string dir = std::filesystem::temp_directory_path() /
                    ("nimbus_micro_binlog_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    storage::BinlogWriter w(Env::Default(), dir, uint64_t{1} << 30);
    if (!w.Open().ok()) {
      state.SkipWithError("cannot open binlog");
      return;
    }
    storage::BinlogRecord r{
        1795566586, 'C', "M00/00/00/fwAAAmsGK_qAY6msAAMgB2wy40Q600.bin",
        0,          0,   ""};
    for (auto _ : state) {
      Status s = w.Append(r);
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    }
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_BinlogAppend);

}  // namespace
}  // namespace nimbus

BENCHMARK_MAIN();
