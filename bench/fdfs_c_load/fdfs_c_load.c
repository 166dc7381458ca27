/* fdfs_c_load: a load loop written against FastDFS's own C client library
 * (libfdfsclient), the way an application using it runs: one client.conf
 * with use_connection_pool = true, each thread asks the tracker before every
 * operation (tracker_query_storage_store, then storage_upload_by_filebuff;
 * storage_download_file_to_buff, or _to_file from 16 MiB, which ask
 * QUERY_FETCH themselves) and gives
 * its connections back to the pool after each one. It measures whatever
 * FastDFS-compatible cluster client.conf names: FastDFS itself or Nimbus.
 *
 * It is a measuring instrument, not part of the build or of CI: libfdfsclient
 * is not a Debian package. Build it where FastDFS's client is installed:
 *   cc -O2 -o fdfs_c_load bench/fdfs_c_load/fdfs_c_load.c \
 *      -lfdfsclient -lfastcommon -lpthread -lm
 * Usage:
 *   fdfs_c_load CLIENT_CONF upload|download SIZE THREADS SECONDS [PREPARE [keep]]
 * SIZE in bytes (suffix k or m). Prints one JSON line: ops/s, MB/s (10^6
 * bytes), p50/p99/max latency in ms, errors. Files it wrote are deleted at
 * the end (downloads: the PREPARE files, 64 by default) unless "keep" is
 * given: on ext4 without a journal, file creation next to tens of thousands
 * of just-deleted inodes is many times slower for minutes
 * (docs/performance.md section 1), which would slow whatever runs next. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fastdfs/fdfs_client.h"
#include "fastcommon/logger.h"

enum { kMaxNames = 1 << 20 };
/* Files this large are downloaded as applications save them, to a file
 * (/dev/null here) through the library's 256 KiB buffer: read into a new
 * buffer of their size, the client's first touch of that memory would be
 * what is measured. */
static const int64_t kLargeFile = 16 << 20;

static int g_upload;
static int64_t g_size;
static int g_seconds;
static char* g_buf;
static volatile int g_stop;

/* Prepared files for downloads, and uploaded files to delete after. */
static pthread_mutex_t g_names_lock = PTHREAD_MUTEX_INITIALIZER;
static char (*g_groups)[FDFS_GROUP_NAME_MAX_LEN + 1];
static char (*g_names)[128];
static int g_name_count;

typedef struct {
  int index;
  double* lat_ms;
  int64_t ops;
  int64_t cap;
  int64_t errors;
  int first_error;
} Worker;

static double NowMs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void Remember(const char* group, const char* name) {
  pthread_mutex_lock(&g_names_lock);
  if (g_name_count < kMaxNames) {
    snprintf(g_groups[g_name_count], sizeof(g_groups[0]), "%s", group);
    snprintf(g_names[g_name_count], sizeof(g_names[0]), "%s", name);
    ++g_name_count;
  }
  pthread_mutex_unlock(&g_names_lock);
}

static int UploadOne(int remember) {
  ConnectionInfo* tracker = tracker_get_connection();
  if (tracker == NULL) return errno != 0 ? errno : ECONNREFUSED;
  ConnectionInfo storage;
  char group[FDFS_GROUP_NAME_MAX_LEN + 1] = {0};
  char name[128] = {0};
  int path_index = 0;
  int rc = tracker_query_storage_store(tracker, &storage, group, &path_index);
  if (rc == 0) {
    rc = storage_upload_by_filebuff(tracker, &storage, path_index, g_buf,
                                    g_size, "bin", NULL, 0, group, name);
  }
  tracker_close_connection_ex(tracker, rc != 0);
  if (rc == 0 && remember) Remember(group, name);
  return rc;
}

static int DownloadOne(int i) {
  ConnectionInfo* tracker = tracker_get_connection();
  if (tracker == NULL) return errno != 0 ? errno : ECONNREFUSED;
  char* data = NULL;
  int64_t size = 0;
  int rc;
  if (g_size >= kLargeFile) {
    rc = storage_download_file_to_file(tracker, NULL, g_groups[i], g_names[i],
                                       "/dev/null", &size);
  } else {
    rc = storage_download_file_to_buff(tracker, NULL, g_groups[i], g_names[i],
                                       &data, &size);
  }
  tracker_close_connection_ex(tracker, rc != 0);
  if (rc == 0 && size != g_size) rc = EIO;
  free(data);
  return rc;
}

static void* Run(void* arg) {
  Worker* w = (Worker*)arg;
  int prepared = g_name_count;
  int64_t k = w->index;
  while (!g_stop) {
    double t0 = NowMs();
    int rc = g_upload ? UploadOne(1) : DownloadOne((int)(k++ % prepared));
    double dt = NowMs() - t0;
    if (g_stop) break; /* an operation that outlived the run is not counted */
    if (rc != 0) {
      if (w->errors++ == 0) w->first_error = rc;
      continue;
    }
    if (w->ops == w->cap) {
      w->cap = w->cap ? w->cap * 2 : 65536;
      w->lat_ms = realloc(w->lat_ms, w->cap * sizeof(double));
    }
    w->lat_ms[w->ops++] = dt;
  }
  return NULL;
}

static int CompareDouble(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static int64_t ParseSize(const char* s) {
  char* end;
  int64_t v = strtoll(s, &end, 10);
  if (*end == 'k' || *end == 'K') v <<= 10;
  if (*end == 'm' || *end == 'M') v <<= 20;
  return v;
}

int main(int argc, char** argv) {
  if (argc < 6) {
    fprintf(stderr,
            "usage: %s CLIENT_CONF upload|download SIZE THREADS SECONDS "
            "[PREPARE]\n",
            argv[0]);
    return 2;
  }
  g_upload = strcmp(argv[2], "upload") == 0;
  g_size = ParseSize(argv[3]);
  int threads = atoi(argv[4]);
  g_seconds = atoi(argv[5]);
  int prepare = argc > 6 ? atoi(argv[6]) : 64;
  int keep = argc > 7 && strcmp(argv[7], "keep") == 0;
  if (g_size <= 0 || threads <= 0 || g_seconds <= 0 || prepare <= 0) {
    fprintf(stderr, "bad size, threads, seconds or prepare count\n");
    return 2;
  }
  log_init();
  g_log_context.log_level = LOG_ERR;
  if (fdfs_client_init(argv[1]) != 0) return 1;
  g_buf = malloc(g_size);
  for (int64_t i = 0; i < g_size; ++i) g_buf[i] = (char)(i * 131 + 7);
  g_groups = calloc(kMaxNames, sizeof(g_groups[0]));
  g_names = calloc(kMaxNames, sizeof(g_names[0]));
  if (!g_upload) {
    for (int i = 0; i < prepare; ++i) {
      int rc = UploadOne(1);
      if (rc != 0) {
        fprintf(stderr, "prepare upload failed: %d %s\n", rc, strerror(rc));
        return 1;
      }
    }
  }
  Worker* workers = calloc(threads, sizeof(Worker));
  pthread_t* tids = calloc(threads, sizeof(pthread_t));
  double t0 = NowMs();
  for (int i = 0; i < threads; ++i) {
    workers[i].index = i;
    pthread_create(&tids[i], NULL, Run, &workers[i]);
  }
  struct timespec run = {g_seconds, 0};
  nanosleep(&run, NULL);
  g_stop = 1;
  double elapsed_s = (NowMs() - t0) / 1e3;
  for (int i = 0; i < threads; ++i) pthread_join(tids[i], NULL);

  int64_t ops = 0, errors = 0;
  int first_error = 0;
  for (int i = 0; i < threads; ++i) {
    ops += workers[i].ops;
    errors += workers[i].errors;
    if (first_error == 0) first_error = workers[i].first_error;
  }
  double* all = malloc((ops ? ops : 1) * sizeof(double));
  int64_t n = 0;
  for (int i = 0; i < threads; ++i) {
    memcpy(all + n, workers[i].lat_ms, workers[i].ops * sizeof(double));
    n += workers[i].ops;
  }
  qsort(all, n, sizeof(double), CompareDouble);
#define RANK(q) (n ? all[(int64_t)((q) * (n - 1))] : 0.0)
  printf(
      "{\"workload\":\"%s\",\"size\":%lld,\"threads\":%d,\"ops\":%lld,"
      "\"ops_per_s\":%.0f,\"mb_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"max_ms\":%.3f,\"errors\":%lld,\"first_error\":%d}\n",
      argv[2], (long long)g_size, threads, (long long)ops, ops / elapsed_s,
      ops * (double)g_size / elapsed_s / 1e6, RANK(0.5), RANK(0.99),
      RANK(1.0), (long long)errors, first_error);
  fflush(stdout);

  for (int i = 0; !keep && i < g_name_count; ++i) {
    ConnectionInfo* tracker = tracker_get_connection();
    if (tracker == NULL) break;
    int rc = storage_delete_file(tracker, NULL, g_groups[i], g_names[i]);
    tracker_close_connection_ex(tracker, rc != 0);
  }
  fdfs_client_destroy();
  return errors == 0 ? 0 : 3;
}
