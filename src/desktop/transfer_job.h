// What the transfer queue drives: one running upload or download. A job
// works on the queue's TransferItem in place (the queue owns it and saves
// it) and reports through signals; Start() resumes from what the item
// records, so a stopped job can be destroyed and a new one started later.
#ifndef NIMBUS_DESKTOP_TRANSFER_JOB_H_
#define NIMBUS_DESKTOP_TRANSFER_JOB_H_

#include <QObject>
#include <functional>

#include "desktop/transfer_item.h"

namespace nimbus::desktop {

class TransferJob : public QObject {
  Q_OBJECT
 public:
  explicit TransferJob(TransferItem* item, QObject* owner = nullptr)
      : QObject(owner), item_(item) {}

  virtual void Start() = 0;
  // Stops at once, keeping what is needed to resume.
  virtual void Stop() = 0;
  // Stops and throws away the partial transfer (server upload, .part file).
  virtual void Discard(std::function<void()> done) = 0;

 Q_SIGNALS:
  // The item changed: progress, phase, or a field worth saving (`save`).
  void Changed(bool save);
  void Finished();
  void Failed(const nimbus::desktop::TransferError& error);

 protected:
  TransferItem* item_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_TRANSFER_JOB_H_
