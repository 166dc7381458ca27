// AlignedBuffer: a fixed-size heap buffer whose start is aligned for
// O_DIRECT transfers (which std::string and std::vector do not promise).
#ifndef NIMBUS_COMMON_ALIGNED_BUFFER_H_
#define NIMBUS_COMMON_ALIGNED_BUFFER_H_

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace nimbus {

class AlignedBuffer {
 public:
  // A multiple of every logical block size in use.
  static constexpr size_t kAlign = 4096;

  // `size` bytes (at least 1), uninitialised. Throws std::bad_alloc when
  // memory is short, as `new` does.
  explicit AlignedBuffer(size_t size);

  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  char* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  size_t size_;
  std::unique_ptr<char, decltype(&std::free)> data_;
};

}  // namespace nimbus

#endif  // NIMBUS_COMMON_ALIGNED_BUFFER_H_
