package dev.tls13.examples.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.examples.IntegrationCerts;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.ssl.ClientAuth;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * gRPC (grpc-netty, unshaded) over our TLS 1.3 through {@link Tls13Credentials}: unary and server-streaming
 * calls with mutual authentication, in process over loopback; the server reports the client certificate
 * it saw through {@code Grpc.TRANSPORT_ATTR_SSL_SESSION}.
 */
class GrpcNativeTlsTest {

    private static final String PEER = IntegrationCerts.CLIENT_SUBJECT + ", PRIVACY_AND_INTEGRITY, TLSv1.3";

    private static Server server;

    @BeforeAll
    static void startServer() throws Exception {
        Issued cert = IntegrationCerts.server();
        server = GrpcNativeTls.startServer(GrpcNativeTls.serverContext(cert.privateKey(), chain(cert),
                IntegrationCerts.ca().certificate()));
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void unaryCallSeesClientCertificateAsPeer() throws Exception {
        ManagedChannel channel = GrpcNativeTls.openChannel(mutualClient(), server.getPort());
        try {
            assertEquals("hello alice; peer " + PEER, GrpcNativeTls.sayHello(channel, "alice"));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientCallCarriesServerSessionWithNegotiatedParameters() throws Exception {
        ManagedChannel channel = GrpcNativeTls.openChannel(mutualClient(), server.getPort());
        try {
            AtomicReference<SSLSession> seen = new AtomicReference<>();
            assertEquals("hello bob; peer " + PEER,
                    GrpcNativeTls.sayHello(ClientInterceptors.intercept(channel, new SessionRecorder(seen)), "bob"));
            SSLSession session = seen.get();
            assertEquals("TLSv1.3", session.getProtocol());
            assertEquals("CN=localhost", session.getPeerPrincipal().getName());
            assertEquals(IntegrationCerts.CLIENT_SUBJECT, session.getLocalPrincipal().getName());
            assertTrue(session.getCipherSuite().startsWith("TLS_"), session.getCipherSuite());
            assertEquals("localhost", session.getPeerHost());
            assertEquals(server.getPort(), session.getPeerPort());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void serverStreamingCallDeliversEveryMessageInOrder() throws Exception {
        ManagedChannel channel = GrpcNativeTls.openChannel(mutualClient(), server.getPort());
        try {
            assertEquals(List.of("1 of 3; peer " + PEER, "2 of 3; peer " + PEER, "3 of 3; peer " + PEER),
                    GrpcNativeTls.count(channel, 3));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void serverRejectsClientWithoutCertificate() throws Exception {
        Tls13Context anonymous = Tls13Context.forClient().applicationProtocols("h2")
                .trustManager(IntegrationCerts.ca().certificate()).build();
        assertUnavailable(anonymous, server.getPort());
    }

    @Test
    void serverWithOptionalClientAuthSeesAnonymousPeer() throws Exception {
        Issued cert = IntegrationCerts.server();
        Tls13Context optional = Tls13Context.forServer(cert.privateKey(), chain(cert))
                .applicationProtocols("h2")
                .clientAuth(ClientAuth.OPTIONAL)
                .trustManager(IntegrationCerts.ca().certificate())
                .build();
        Server lenient = GrpcNativeTls.startServer(optional);
        Tls13Context anonymous = Tls13Context.forClient().applicationProtocols("h2")
                .trustManager(IntegrationCerts.ca().certificate()).build();
        ManagedChannel channel = GrpcNativeTls.openChannel(anonymous, lenient.getPort());
        try {
            assertEquals("hello zoe; peer anonymous, PRIVACY_AND_INTEGRITY, TLSv1.3",
                    GrpcNativeTls.sayHello(channel, "zoe"));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            lenient.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientRejectsServerCertificateFromUnknownCa() throws Exception {
        Issued otherCa = TestPki.newCa("other-ca", TestPki.generate(KeyType.EC_P256));
        Issued client = IntegrationCerts.client();
        Tls13Context distrusting = GrpcNativeTls.clientContext(otherCa.certificate(), client.privateKey(),
                chain(client));
        assertUnavailable(distrusting, server.getPort());
    }

    @Test
    void clientRejectsServerThatDoesNotSelectH2() throws Exception {
        Issued cert = IntegrationCerts.server();
        Tls13Context http11Only = Tls13Context.forServer(cert.privateKey(), chain(cert))
                .applicationProtocols("http/1.1")
                .failOnApplicationProtocolMismatch(false)
                .build();
        Server http11 = GrpcNativeTls.startServer(http11Only);
        try {
            StatusRuntimeException e = assertUnavailable(mutualClient(), http11.getPort());
            assertTrue(String.valueOf(e.getStatus().getDescription()).contains("h2"), e.toString());
        } finally {
            http11.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static StatusRuntimeException assertUnavailable(Tls13Context clientTls, int port) throws Exception {
        ManagedChannel channel = GrpcNativeTls.openChannel(clientTls, port);
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> GrpcNativeTls.sayHello(channel, "mallory"));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
            return e;
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Records the SSLSession a call's transport attributes carry once the response headers arrive. */
    private static final class SessionRecorder implements ClientInterceptor {
        private final AtomicReference<SSLSession> seen;

        SessionRecorder(AtomicReference<SSLSession> seen) {
            this.seen = seen;
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                     Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    ClientCall<Q, R> call = this;
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata responseHeaders) {
                            seen.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                            super.onHeaders(responseHeaders);
                        }
                    }, headers);
                }
            };
        }
    }

    private static Tls13Context mutualClient() {
        Issued client = IntegrationCerts.client();
        return GrpcNativeTls.clientContext(IntegrationCerts.ca().certificate(), client.privateKey(), chain(client));
    }

    static X509Certificate[] chain(Issued issued) {
        return issued.chain().toArray(X509Certificate[]::new);
    }
}
