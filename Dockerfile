# Build stage: a static binary; nothing is downloaded at run time
# (tiktoken's encodings are embedded by tiktoken-go-loader).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/mia ./cmd/mia

# Runtime stage: Debian slim for poppler's pdftotext (PDF ingestion),
# running as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends poppler-utils ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app mia
WORKDIR /app
COPY --from=build /out/mia /usr/local/bin/mia
COPY corpus ./corpus
USER mia
ENV MIA_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["mia"]
CMD ["serve"]
