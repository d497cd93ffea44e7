package dev.tls13.examples.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A tiny gRPC service with hand-written method descriptors (UTF-8 strings on the wire, no protoc): a
 * unary {@code SayHello} and a server-streaming {@code Count}. Every answer names the TLS peer the
 * server saw, read from {@link Grpc#TRANSPORT_ATTR_SSL_SESSION} by an interceptor.
 */
public final class Greeter {

    /** The service name. */
    public static final String SERVICE = "tls13.Greeter";

    /** Marshals strings as UTF-8. */
    public static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw Status.INTERNAL.withCause(e).asRuntimeException();
            }
        }
    };

    /** Unary: {@code name} to {@code "hello <name>; peer <subject>, <security level>, <protocol>"}. */
    public static final MethodDescriptor<String, String> SAY_HELLO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "SayHello"))
            .setRequestMarshaller(UTF8)
            .setResponseMarshaller(UTF8)
            .build();

    /** Server streaming: {@code n} to the messages {@code "1 of n; peer <subject>"} ... {@code "n of n; ..."}. */
    public static final MethodDescriptor<String, String> COUNT = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Count"))
            .setRequestMarshaller(UTF8)
            .setResponseMarshaller(UTF8)
            .build();

    private static final Context.Key<String> PEER = Context.key("tls13-peer");

    private Greeter() {
    }

    /** @return the service, with the interceptor that records the TLS peer of each call */
    public static ServerServiceDefinition service() {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((name, response) -> {
                    response.onNext("hello " + name + "; peer " + PEER.get());
                    response.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((count, response) -> {
                    int n = Integer.parseInt(count);
                    for (int i = 1; i <= n; i++) {
                        response.onNext(i + " of " + n + "; peer " + PEER.get());
                    }
                    response.onCompleted();
                }))
                .build();
        return ServerInterceptors.intercept(service, new PeerInterceptor());
    }

    /** Describes the TLS peer of a call: certificate subject, security level and protocol. */
    private static final class PeerInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            String peer;
            if (session == null) {
                peer = "none, " + call.getSecurityLevel();
            } else {
                String subject;
                try {
                    subject = session.getPeerPrincipal().getName();
                } catch (SSLPeerUnverifiedException e) {
                    subject = "anonymous";
                }
                peer = subject + ", " + call.getSecurityLevel() + ", " + session.getProtocol();
            }
            return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
        }
    }
}
