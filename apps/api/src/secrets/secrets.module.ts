import { Module } from '@nestjs/common';
import { Database, SecretsRepository } from '@conclave/persistence';
import { SecretsController } from './secrets.controller';
import { SecretsService } from './secrets.service';

@Module({
  controllers: [SecretsController],
  providers: [
    SecretsService,
    {
      provide: SecretsRepository,
      useFactory: (db: Database) => new SecretsRepository(db),
      inject: [Database],
    },
  ],
})
export class SecretsModule {}
