#include "common/aligned_buffer.h"

#include <new>

namespace nimbus {

AlignedBuffer::AlignedBuffer(size_t size)
    : size_(size == 0 ? 1 : size),
      // aligned_alloc wants a multiple of the alignment; the slack past
      // size_ is never exposed.
      data_(static_cast<char*>(std::aligned_alloc(
                kAlign, (size_ + kAlign - 1) / kAlign * kAlign)),
            &std::free) {
  if (data_ == nullptr) throw std::bad_alloc();
}

}  // namespace nimbus
