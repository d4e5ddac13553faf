package dev.detkit.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a child process's output stream to this JVM's (as it comes, so progress lines redrawn with
 * '\r' stay live) and keeps its last few kilobytes, from which the last line is read afterwards.
 */
final class OutputTail implements Runnable {
  private static final int KEEP = 8192;

  private final InputStream in;
  private final OutputStream to;
  private final byte[] tail = new byte[KEEP];
  private int size;
  private final Thread thread;

  private OutputTail(InputStream in, OutputStream to, String name) {
    this.in = in;
    this.to = to;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  static OutputTail start(InputStream in, OutputStream to, String name) {
    OutputTail t = new OutputTail(in, to, name);
    t.thread.start();
    return t;
  }

  @Override
  public void run() {
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        to.write(buf, 0, n);
        to.flush();
        keep(buf, n);
      }
    } catch (IOException e) {
      // The child is gone: what was read is all there is.
    }
  }

  private synchronized void keep(byte[] buf, int n) {
    if (n >= KEEP) {
      System.arraycopy(buf, n - KEEP, tail, 0, KEEP);
      size = KEEP;
      return;
    }
    int drop = Math.max(0, size + n - KEEP);
    System.arraycopy(tail, drop, tail, 0, size - drop);
    size -= drop;
    System.arraycopy(buf, 0, tail, size, n);
    size += n;
  }

  /**
   * The last non-empty line (after the stream ended, or after {@code millis}), preferring the last
   * one that starts with {@code prefix} when {@code prefix} is not null.
   */
  String lastLine(String prefix, long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String text;
    synchronized (this) {
      text = new String(tail, 0, size, StandardCharsets.UTF_8);
    }
    String last = "";
    String preferred = null;
    for (String line : text.split("[\r\n]+")) {
      String l = line.strip();
      if (!l.isEmpty()) {
        last = l;
        if (prefix != null && l.startsWith(prefix)) {
          preferred = l;
        }
      }
    }
    return preferred != null ? preferred : last;
  }
}
