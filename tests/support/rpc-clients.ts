import {
  create,
  type DescMessage,
  type DescMethodUnary,
  type DescService,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import * as grpc from "@grpc/grpc-js";
import { InventoryService } from "../../src/gen/inventory/v1/inventory_pb";
import { PaymentService } from "../../src/gen/payments/v1/payments_pb";

/** The three ways a browser-side Connect-ES client can reach the main port: Connect JSON, Connect binary, gRPC-Web. */
export function mainPortTransports(baseUrl: string): Record<string, Transport> {
  return {
    "Connect (JSON)": createConnectTransport({ baseUrl, useBinaryFormat: false }),
    "Connect (binary)": createConnectTransport({ baseUrl, useBinaryFormat: true }),
    "gRPC-Web": createGrpcWebTransport({ baseUrl }),
  };
}

export const inventoryClient = (transport: Transport) => createClient(InventoryService, transport);
export const paymentsClient = (transport: Transport) => createClient(PaymentService, transport);

type UnaryCall<M extends DescMethodUnary> = (
  request: MessageInitShape<M["input"]>,
  metadata: Record<string, string>,
) => Promise<MessageShape<M["output"]>>;

/**
 * A plain @grpc/grpc-js client of a service (gRPC over HTTP/2, as grpcurl or a Go client would
 * call it), its messages (de)serialized with the generated protobuf-es schemas: no proto loader.
 */
export function grpcJsClient<S extends DescService>(service: S, address: string) {
  const serializer = <D extends DescMessage>(schema: D) => ({
    serialize: (message: unknown) => Buffer.from(toBinary(schema, create(schema, message as MessageInitShape<D>))),
    deserialize: (bytes: Buffer) => fromBinary(schema, bytes),
  });
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    const input = serializer(method.input);
    const output = serializer(method.output);
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: input.serialize,
      requestDeserialize: input.deserialize,
      responseSerialize: output.serialize,
      responseDeserialize: output.deserialize,
    };
  }
  const Client = grpc.makeGenericClientConstructor(definition, service.name);
  const client = new Client(address, grpc.credentials.createInsecure());
  const call =
    <M extends DescMethodUnary>(method: M): UnaryCall<M> =>
    (request, metadata) =>
      new Promise((resolve, reject) => {
        const meta = new grpc.Metadata();
        for (const [key, value] of Object.entries(metadata)) meta.set(key, value);
        const fn = client[method.localName] as (
          request: unknown,
          metadata: grpc.Metadata,
          callback: (error: grpc.ServiceError | null, response: MessageShape<M["output"]>) => void,
        ) => void;
        fn.call(client, request, meta, (error, response) => (error ? reject(error) : resolve(response)));
      });
  return { call, close: () => client.close() };
}
export { grpc };
