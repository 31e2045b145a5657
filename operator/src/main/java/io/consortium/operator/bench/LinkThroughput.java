package io.consortium.operator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consortium.operator.identity.InstanceIdentity;
import io.consortium.operator.identity.SelfSignedCertificates;
import io.consortium.operator.mesh.LinkConnection;
import io.consortium.operator.mesh.LinkHandler;
import io.consortium.operator.mesh.LinkTiming;
import io.consortium.operator.mesh.MeshTransport;
import io.consortium.operator.mesh.protocol.ChunkFrame;
import io.consortium.operator.mesh.protocol.Chunker;
import io.consortium.operator.mesh.protocol.ProtocolJson;
import io.consortium.operator.mesh.protocol.Reassembler;
import io.consortium.operator.mesh.protocol.TempFileChunkSink;
import io.consortium.operator.mesh.protocol.TransferManifest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One large payload over the peer link, as a big share package goes: the sender describes it
 * (size and SHA-256, one read), then pulls chunks from the file with {@link Chunker} and sends them
 * as binary frames on a {@link MeshTransport} link (TLS 1.3, WebSocket, pinned keys); the receiver
 * takes each chunk off the I/O thread into a {@link Reassembler} writing a {@link TempFileChunkSink}
 * (hashing as it goes). In the same run the same bytes cross a plain netty TLS 1.3 connection on
 * loopback, which does nothing with them: the ratio is the link's cost.
 */
final class LinkThroughput {

  /** Frames in flight before the sender waits (the link's back-pressure). */
  private static final int WINDOW = 16;

  private final Path workdir;
  private final long size;
  private final long frameLimit;
  private final int rounds;

  LinkThroughput(Path workdir, long size, long frameLimit, int rounds) {
    this.workdir = workdir;
    this.size = size;
    this.frameLimit = frameLimit;
    this.rounds = rounds;
  }

  ObjectNode run() throws Exception {
    Files.createDirectories(workdir);
    Path payload = workdir.resolve("payload.bin");
    writePayload(payload);
    InstanceIdentity origin = identity("org1");
    InstanceIdentity receiver = identity("org2");
    List<Double> linkRates = new ArrayList<>();
    List<Double> plainRates = new ArrayList<>();
    List<Double> describeSeconds = new ArrayList<>();
    List<Integer> backlogPeaks = new ArrayList<>();
    List<String> liveAfterGc = new ArrayList<>();
    long heapBefore = 0;
    long heapPeak = 0;
    try {
      for (int round = 0; round < rounds; round++) {
        plainRates.add(plainTls(payload, receiver));
        System.gc();
        HeapWatch heap = HeapWatch.start();
        LinkRun link = overTheLink(payload, origin, receiver);
        heap.stop();
        linkRates.add(link.megabytesPerSecond());
        describeSeconds.add(link.describeSeconds());
        backlogPeaks.add(link.backlogPeak());
        if (heap.peak() - heap.baseline() > heapPeak - heapBefore) {
          heapBefore = heap.baseline();
          heapPeak = heap.peak();
        }
        liveAfterGc.add(heap.livePeak() < 0 ? "no GC" : (heap.livePeak() >> 20) + " MiB after " + heap.collections() + " GC(s)");
      }
      double receiverAlone = receiverWorkAlone(payload);
      double linkMedian = median(linkRates);
      double plainMedian = median(plainRates);
      ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
      node.put("measured", "one payload of " + size + " bytes from org1 to org2 over the mesh layer directly:"
          + " MeshTransport link (WebSocket over TLS 1.3, pinned keys), Chunker frames of " + frameLimit
          + " bytes pulled from a file, " + WINDOW + " frames in flight; the receiver runs Reassembler + TempFileChunkSink"
          + " (SHA-256 and file write) off the I/O thread. Not PeerSessions.sendOffer, which holds a share's payload"
          + " in memory (MemoryChunkSink) and so cannot carry a payload this size within the heap target."
          + " Rate = payload bytes / (first chunk sent -> last chunk written and checked); the manifest pass"
          + " (read + SHA-256 before sending) is shown apart");
      node.put("payloadBytes", size);
      node.put("rounds", rounds);
      node.put("linkMBps", round(linkMedian));
      node.put("plainTlsMBps", round(plainMedian));
      node.put("ratio", round(linkMedian / plainMedian));
      node.put("linkMBpsRounds", String.valueOf(linkRates.stream().map(LinkThroughput::round).toList()));
      node.put("plainTlsMBpsRounds", String.valueOf(plainRates.stream().map(LinkThroughput::round).toList()));
      node.put("manifestSeconds", round(median(describeSeconds)));
      node.put("receiverWorkAloneMBps", round(receiverAlone));
      node.put("receiverBacklogPeakChunks", String.valueOf(backlogPeaks));
      node.put("receiverBacklogMeasured", "the most chunks received by the link but not yet taken by the reassembler,"
          + " per round: the link reads on whatever the reassembler's pace, so these wait in the heap");
      node.put("heapBaselineMiB", heapBefore >> 20);
      node.put("heapPeakMiB", heapPeak >> 20);
      node.put("heapGrowthMiB", (heapPeak - heapBefore) >> 20);
      node.put("heapMeasured", "JVM heap in use (sampled every 5 ms, garbage included) during the link transfer,"
          + " from a baseline taken after a GC; both link ends run in the bench's JVM, so the growth is what the"
          + " transfer costs the two of them, before any collection takes its garbage back");
      node.put("heapLiveAfterGcPerRound", String.valueOf(liveAfterGc));
      node.put("heapLiveMeasured", "per round, the largest heap left after a garbage collection during the transfer"
          + " (the whole bench JVM: three idle organizations are in it too), or 'no GC' when none ran");
      return node;
    } finally {
      Files.deleteIfExists(payload);
    }
  }

  private record LinkRun(double megabytesPerSecond, double describeSeconds, int backlogPeak) {}

  private LinkRun overTheLink(Path payload, InstanceIdentity origin, InstanceIdentity receiver) throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-reassembler"));
    AtomicReference<Reassembler<Path>> transfer = new AtomicReference<>();
    CompletableFuture<Long> done = new CompletableFuture<>();
    // Chunks received but not yet hashed and written: nothing slows the link down when this grows.
    java.util.concurrent.atomic.AtomicInteger backlog = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger backlogPeak = new java.util.concurrent.atomic.AtomicInteger();
    LinkHandler receiving = new LinkHandler() {
      @Override
      public void onOpen(LinkConnection link) {}

      @Override
      public void onText(LinkConnection link, String text) {}

      @Override
      public void onBinary(LinkConnection link, byte[] data) {
        // As PeerSessions does: hashing and writing happen off the I/O thread, in order.
        backlogPeak.accumulateAndGet(backlog.incrementAndGet(), Math::max);
        worker.execute(() -> {
          backlog.decrementAndGet();
          try {
            Reassembler<Path> reassembler = transfer.get();
            if (reassembler.accept(ChunkFrame.decode(ByteBuffer.wrap(data))) == Reassembler.Progress.COMPLETE) {
              done.complete(System.nanoTime());
            }
          } catch (Exception e) {
            done.completeExceptionally(e);
          }
        });
      }

      @Override
      public void onClose(LinkConnection link, String reason) {
        done.completeExceptionally(new IllegalStateException("the link closed: " + reason));
      }
    };
    LinkHandler sending = new LinkHandler() {
      @Override
      public void onOpen(LinkConnection link) {}

      @Override
      public void onText(LinkConnection link, String text) {}

      @Override
      public void onBinary(LinkConnection link, byte[] data) {}

      @Override
      public void onClose(LinkConnection link, String reason) {}
    };
    try (MeshTransport listener = new MeshTransport(receiver, frameLimit, LinkTiming.DEFAULT);
        MeshTransport dialler = new MeshTransport(origin, frameLimit, LinkTiming.DEFAULT)) {
      int port = listener.listen("127.0.0.1", 0, receiving);
      LinkConnection link = dialler.dial(URI.create("wss://127.0.0.1:" + port), receiver.instanceId(), sending)
          .get(30, TimeUnit.SECONDS);
      long start = System.nanoTime();
      TransferManifest manifest;
      try (InputStream in = Files.newInputStream(payload)) {
        manifest = TransferManifest.describe(UUID.randomUUID(), in, frameLimit, Long.MAX_VALUE);
      }
      long described = System.nanoTime();
      // The signed TRANSFER_BEGIN that carries the manifest is one small frame; here it is handed over in memory.
      transfer.set(new Reassembler<>(manifest, new TempFileChunkSink(workdir), frameLimit, Long.MAX_VALUE));
      Semaphore window = new Semaphore(WINDOW);
      try (Chunker chunker = Chunker.open(manifest, FileChannel.open(payload, StandardOpenOption.READ), 0, frameLimit,
          Long.MAX_VALUE)) {
        while (chunker.hasNext()) {
          ByteBuffer frame = chunker.next();
          window.acquire();
          link.sendBinary(frame.array()).whenComplete((ok, failure) -> window.release());
        }
      }
      long end = done.get(10, TimeUnit.MINUTES);
      Files.deleteIfExists(transfer.get().result());
      link.close("done");
      return new LinkRun(size / 1e6 / ((end - described) / 1e9), (described - start) / 1e9, backlogPeak.get());
    } finally {
      worker.shutdownNow();
    }
  }

  /** The same bytes, read from the same file in the same pieces, over a bare netty TLS 1.3 connection. */
  private double plainTls(Path payload, InstanceIdentity server) throws Exception {
    SslContext serverTls = SslContextBuilder.forServer(server.keyPair().getPrivate(), server.certificate())
        .protocols(SslProtocols.TLS_v1_3).build();
    SslContext clientTls = SslContextBuilder.forClient().protocols(SslProtocols.TLS_v1_3)
        .trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null).build();
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    AtomicLong received = new AtomicLong();
    CompletableFuture<Long> done = new CompletableFuture<>();
    try {
      Channel listener = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(serverTls.newHandler(ch.alloc()));
              ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  ByteBuf buf = (ByteBuf) msg;
                  if (received.addAndGet(buf.readableBytes()) >= size) {
                    done.complete(System.nanoTime());
                  }
                  buf.release();
                }
              });
            }
          }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
      int port = ((InetSocketAddress) listener.localAddress()).getPort();
      Channel client = new Bootstrap().group(workers).channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(clientTls.newHandler(ch.alloc(), "127.0.0.1", port));
            }
          }).connect("127.0.0.1", port).sync().channel();
      client.pipeline().get(SslHandler.class).handshakeFuture().sync();
      int piece = TransferManifest.chunkSizeFor(frameLimit);
      Semaphore window = new Semaphore(WINDOW);
      long start = System.nanoTime();
      try (FileChannel file = FileChannel.open(payload, StandardOpenOption.READ)) {
        long left = size;
        while (left > 0) {
          ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(piece, left));
          while (buffer.hasRemaining() && file.read(buffer) >= 0) {
            // fill the piece
          }
          left -= buffer.position();
          window.acquire();
          client.writeAndFlush(Unpooled.wrappedBuffer(buffer.array(), 0, buffer.position()))
              .addListener(f -> window.release());
        }
      }
      if (size == 0) {
        done.complete(start);
      }
      long end = done.get(10, TimeUnit.MINUTES);
      client.close().sync();
      listener.close().sync();
      return size / 1e6 / ((end - start) / 1e9);
    } finally {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** The receiver's work without any network: each chunk into a Reassembler and its file, timed around accept only. */
  private double receiverWorkAlone(Path payload) throws Exception {
    TransferManifest manifest;
    try (InputStream in = Files.newInputStream(payload)) {
      manifest = TransferManifest.describe(UUID.randomUUID(), in, frameLimit, Long.MAX_VALUE);
    }
    Reassembler<Path> reassembler = new Reassembler<>(manifest, new TempFileChunkSink(workdir), frameLimit,
        Long.MAX_VALUE);
    long busy = 0;
    try (Chunker chunker = Chunker.open(manifest, FileChannel.open(payload, StandardOpenOption.READ), 0, frameLimit,
        Long.MAX_VALUE)) {
      while (chunker.hasNext()) {
        ChunkFrame chunk = ChunkFrame.decode(chunker.next());
        long start = System.nanoTime();
        reassembler.accept(chunk);
        busy += System.nanoTime() - start;
      }
    }
    Files.deleteIfExists(reassembler.result());
    return size / 1e6 / (busy / 1e9);
  }

  private void writePayload(Path file) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    byte[] block = new byte[1 << 20];
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      long left = size;
      while (left > 0) {
        for (int i = 0; i < block.length; i += 8) {
          long v = random.nextLong();
          for (int b = 0; b < 8; b++) {
            block[i + b] = (byte) (v >>> (8 * b));
          }
        }
        ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, left));
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        left -= Math.min(block.length, left);
      }
    }
  }

  private static InstanceIdentity identity(String name) {
    var keys = SelfSignedCertificates.newEcKeyPair("secp256r1");
    return new InstanceIdentity(keys, SelfSignedCertificates.selfSigned(keys, name, List.of("localhost"),
        Instant.now(), Duration.ofDays(1)));
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /**
   * Samples the heap in use every 5 ms on a daemon thread (garbage included), and keeps the heap
   * left after each garbage collection that runs meanwhile (what was live).
   */
  private static final class HeapWatch implements javax.management.NotificationListener {
    private final long baseline = used();
    private final AtomicLong peak = new AtomicLong(baseline);
    private final AtomicLong livePeak = new AtomicLong(-1);
    private final java.util.concurrent.atomic.AtomicInteger collections = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running = true;
    private final Thread thread;

    private HeapWatch() {
      thread = new Thread(() -> {
        while (running) {
          peak.accumulateAndGet(used(), Math::max);
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-heap-watch");
      thread.setDaemon(true);
    }

    static HeapWatch start() {
      HeapWatch watch = new HeapWatch();
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof javax.management.NotificationEmitter emitter) {
          emitter.addNotificationListener(watch, null, null);
        }
      }
      watch.thread.start();
      return watch;
    }

    @Override
    public void handleNotification(javax.management.Notification notification, Object handback) {
      if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
          notification.getType())) {
        return;
      }
      var info = com.sun.management.GarbageCollectionNotificationInfo.from(
          (javax.management.openmbean.CompositeData) notification.getUserData());
      long after = 0;
      for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
        var usage = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
        if (pool.getType() == java.lang.management.MemoryType.HEAP && usage != null) {
          after += usage.getUsed();
        }
      }
      collections.incrementAndGet();
      livePeak.accumulateAndGet(after, Math::max);
    }

    void stop() throws InterruptedException {
      peak.accumulateAndGet(used(), Math::max);
      running = false;
      thread.join();
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof javax.management.NotificationEmitter emitter) {
          try {
            emitter.removeNotificationListener(this);
          } catch (javax.management.ListenerNotFoundException e) {
            // not registered on this one
          }
        }
      }
    }

    long baseline() {
      return baseline;
    }

    long peak() {
      return peak.get();
    }

    /** The most heap left after a collection during the watch; -1 when none ran. */
    long livePeak() {
      return livePeak.get();
    }

    int collections() {
      return collections.get();
    }

    private static long used() {
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
  }
}
