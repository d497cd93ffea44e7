package dev.tls13.examples.grpc;

import static dev.tls13.examples.grpc.GrpcNativeTlsTest.chain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tls13.examples.IntegrationCerts;
import dev.tls13.jsse.Tls13Provider;
import dev.tls13.testing.TestPki.Issued;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettySslContextChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * gRPC's public {@code NettySslContext*Credentials} over {@code SslContext}s from our JSSE adapter: unary and
 * server-streaming calls with mutual TLS, in process over loopback; the server reports the client
 * certificate it saw. Also across stacks: our native negotiator as client against the adapter server,
 * and the JDK's TLS as client.
 */
class GrpcAdapterTlsTest {

    private static final String PEER = IntegrationCerts.CLIENT_SUBJECT + ", PRIVACY_AND_INTEGRITY, TLSv1.3";

    private static Server server;

    @BeforeAll
    static void startServer() throws Exception {
        Issued cert = IntegrationCerts.server();
        server = GrpcAdapterTls.startServer(GrpcAdapterTls.serverContext(cert.privateKey(), chain(cert),
                IntegrationCerts.ca().certificate()));
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void unaryAndStreamingCallsSeeClientCertificateAsPeer() throws Exception {
        Issued client = IntegrationCerts.client();
        ManagedChannel channel = GrpcAdapterTls.openChannel(
                GrpcAdapterTls.clientContext(IntegrationCerts.ca().certificate(), client.privateKey(), chain(client)),
                server.getPort());
        try {
            assertEquals("hello carol; peer " + PEER, GrpcNativeTls.sayHello(channel, "carol"));
            assertEquals(List.of("1 of 2; peer " + PEER, "2 of 2; peer " + PEER), GrpcNativeTls.count(channel, 2));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void nativeNegotiatorClientTalksToAdapterServer() throws Exception {
        Issued client = IntegrationCerts.client();
        ManagedChannel channel = GrpcNativeTls.openChannel(
                GrpcNativeTls.clientContext(IntegrationCerts.ca().certificate(), client.privateKey(), chain(client)),
                server.getPort());
        try {
            assertEquals("hello dave; peer " + PEER, GrpcNativeTls.sayHello(channel, "dave"));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void jdkTlsClientTalksToAdapterServer() throws Exception {
        Issued client = IntegrationCerts.client();
        SslContext jdk = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3")
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(h2())
                .trustManager(IntegrationCerts.ca().certificate())
                .keyManager(client.privateKey(), chain(client))
                .build();
        ManagedChannel channel = GrpcAdapterTls.openChannel(jdk, server.getPort());
        try {
            assertEquals("hello erin; peer " + PEER, GrpcNativeTls.sayHello(channel, "erin"));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void adapterServerRejectsClientWithoutCertificate() throws Exception {
        SslContext anonymous = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(new Tls13Provider())
                .protocols("TLSv1.3")
                .applicationProtocolConfig(h2())
                .trustManager(IntegrationCerts.ca().certificate())
                .build();
        ManagedChannel channel = NettyChannelBuilder
                .forAddress("localhost", server.getPort(), NettySslContextChannelCredentials.create(anonymous))
                .build();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> GrpcNativeTls.sayHello(channel, "mallory"));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static ApplicationProtocolConfig h2() {
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2);
    }
}
