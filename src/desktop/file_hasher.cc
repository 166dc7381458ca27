#include "desktop/file_hasher.h"

#include <QCryptographicHash>
#include <QFile>

namespace nimbus::desktop {

std::optional<QString> FileHasher::Sha256Hex(
    const QString& path, qint64 expected_size, const std::atomic<bool>* stop,
    const std::function<void(qint64)>& progress) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
  if (expected_size >= 0 && f.size() != expected_size) return std::nullopt;
  QCryptographicHash h(QCryptographicHash::Sha256);
  QByteArray buf(1 << 20, Qt::Uninitialized);
  qint64 total = 0;
  for (;;) {
    if (stop && stop->load()) return std::nullopt;
    qint64 n = f.read(buf.data(), buf.size());
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    h.addData(QByteArrayView(buf.constData(), n));
    total += n;
    if (progress) progress(total);
  }
  if (expected_size >= 0 && total != expected_size) return std::nullopt;
  return QString::fromLatin1(h.result().toHex());
}

std::optional<QString> FileHasher::ChallengeAnswer(const QString& path,
                                                   const QByteArray& nonce,
                                                   qint64 offset,
                                                   qint64 length) {
  QFile f(path);
  if (offset < 0 || length < 0 || !f.open(QIODevice::ReadOnly) ||
      !f.seek(offset)) {
    return std::nullopt;
  }
  QByteArray bytes = f.read(length);
  if (bytes.size() != length) return std::nullopt;
  QCryptographicHash h(QCryptographicHash::Sha256);
  h.addData(nonce);
  h.addData(bytes);
  return QString::fromLatin1(h.result().toHex());
}

}  // namespace nimbus::desktop
