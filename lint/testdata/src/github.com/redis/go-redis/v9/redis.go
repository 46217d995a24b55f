// Package redis is a stub of go-redis v9 for the analyzer's tests: only the
// names the analyzer looks at.
package redis

import (
	"context"
	"crypto/tls"
	"net"
	"time"
)

type Options struct {
	Network         string
	Addr            string
	Username        string
	Password        string
	DB              int
	ClientName      string
	PoolSize        int
	MinIdleConns    int
	MaxRetries      int
	MinRetryBackoff time.Duration
	MaxRetryBackoff time.Duration
	DialTimeout     time.Duration
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	TLSConfig       *tls.Config
	Dialer          func(ctx context.Context, network, addr string) (net.Conn, error)
}

type ClusterOptions struct {
	Addrs        []string
	Password     string
	ReadOnly     bool
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	PoolSize     int
	MinIdleConns int
	TLSConfig    *tls.Config
}

type FailoverOptions struct {
	MasterName       string
	SentinelAddrs    []string
	SentinelPassword string
	Password         string
	RouteByLatency   bool
	RouteRandomly    bool
	ReplicaOnly      bool
	DB               int
	PoolSize         int
}

type UniversalOptions struct {
	Addrs            []string
	MasterName       string
	Password         string
	SentinelPassword string
	DB               int
	PoolSize         int
	ReadOnly         bool
	RouteByLatency   bool
	RouteRandomly    bool
	IsClusterMode    bool
}

type RingOptions struct {
	Addrs map[string]string
}

type UniversalClient interface{ Close() error }

type Client struct{}

func (*Client) Close() error { return nil }

type ClusterClient struct{}

func (*ClusterClient) Close() error { return nil }

type Ring struct{}

func NewClient(*Options) *Client                               { return &Client{} }
func NewClusterClient(*ClusterOptions) *ClusterClient          { return &ClusterClient{} }
func NewFailoverClient(*FailoverOptions) *Client               { return &Client{} }
func NewFailoverClusterClient(*FailoverOptions) *ClusterClient { return &ClusterClient{} }
func NewUniversalClient(*UniversalOptions) UniversalClient     { return &Client{} }
func NewRing(*RingOptions) *Ring                               { return &Ring{} }
func ParseURL(string) (*Options, error)                        { return &Options{}, nil }
func ParseClusterURL(string) (*ClusterOptions, error)          { return &ClusterOptions{}, nil }
func ParseFailoverURL(string) (*FailoverOptions, error)        { return &FailoverOptions{}, nil }
